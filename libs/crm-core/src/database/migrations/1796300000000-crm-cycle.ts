import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rest of the CRM cycle: each defection with its type (unknown until an agent finds it out),
 * the satisfaction survey and its answer on the conversation, and the indexes that keep at most
 * one open re-acquisition and extension task per customer and one satisfaction task per
 * conversation, so concurrent writers update the open task rather than open another; and the
 * purchase affinities the scan's extension offers read.
 */
export class CrmCycle1796300000000 implements MigrationInterface {
  name = 'CrmCycle1796300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE customer_defections (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id   uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        type          text CHECK (type IN ('price', 'product', 'service', 'market', 'technological', 'organizational')),
        note          text,
        occurred_at   timestamptz NOT NULL,
        -- Set when a purchase or renewal wins the customer back; until then the defection is open.
        reacquired_at timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX customer_defections_one_open_idx ON customer_defections (customer_id) WHERE reacquired_at IS NULL;
      CREATE INDEX customer_defections_customer_idx ON customer_defections (customer_id, occurred_at DESC);
      CREATE INDEX customer_defections_time_idx ON customer_defections (occurred_at);

      ALTER TABLE conversations
        ADD COLUMN survey_sent_at timestamptz,
        ADD COLUMN csat_score smallint CHECK (csat_score BETWEEN 1 AND 5),
        ADD COLUMN csat_comment text,
        ADD COLUMN csat_responded_at timestamptz;
      -- The ingest looks here only for a message that reads as a score: a conversation awaiting an answer.
      CREATE INDEX conversations_pending_survey_idx ON conversations (customer_id, channel, thread_key)
        WHERE survey_sent_at IS NOT NULL AND csat_score IS NULL;
      CREATE INDEX conversations_csat_idx ON conversations (customer_id, csat_responded_at) WHERE csat_score IS NOT NULL;
      CREATE INDEX conversations_csat_time_idx ON conversations (csat_responded_at) WHERE csat_score IS NOT NULL;

      CREATE UNIQUE INDEX retention_tasks_one_open_reacquisition_idx ON retention_tasks (customer_id)
        WHERE kind = 'reacquisition' AND status IN ('open', 'in_progress');
      CREATE UNIQUE INDEX retention_tasks_one_open_extension_idx ON retention_tasks (customer_id)
        WHERE kind = 'extension' AND status IN ('open', 'in_progress');
      CREATE UNIQUE INDEX retention_tasks_one_open_satisfaction_idx ON retention_tasks (conversation_id)
        WHERE kind = 'satisfaction' AND status IN ('open', 'in_progress');
      CREATE INDEX retention_tasks_customer_kind_idx ON retention_tasks (customer_id, kind, created_at DESC);

      CREATE INDEX customer_lifecycle_changes_time_idx ON customer_lifecycle_changes (occurred_at);

      -- Purchase affinities, recomputed whole at each retention scan from the business events:
      -- unlogged, as a crash loses nothing the next scan does not rebuild.
      CREATE UNLOGGED TABLE product_affinities (
        product       text NOT NULL,
        other_product text NOT NULL,
        buyers        integer NOT NULL,
        also_bought   integer NOT NULL,
        PRIMARY KEY (product, other_product)
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE product_affinities;
      DROP INDEX customer_lifecycle_changes_time_idx;
      DROP INDEX retention_tasks_customer_kind_idx, retention_tasks_one_open_satisfaction_idx,
        retention_tasks_one_open_extension_idx, retention_tasks_one_open_reacquisition_idx;
      DROP INDEX conversations_csat_time_idx, conversations_csat_idx, conversations_pending_survey_idx;
      ALTER TABLE conversations DROP COLUMN survey_sent_at, DROP COLUMN csat_score, DROP COLUMN csat_comment,
        DROP COLUMN csat_responded_at;
      DROP TABLE customer_defections;
    `);
  }
}
