import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CRM cycle: accounts (several buyers behind one business), business events, every lifecycle
 * change with its reason, and attrition tasks that list their signs. At most one open attrition
 * task per customer, enforced here so concurrent evaluations add to it rather than open another.
 */
export class Retention1796200000000 implements MigrationInterface {
  name = 'Retention1796200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE accounts (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX accounts_name_idx ON accounts (lower(name));

      ALTER TABLE customers
        ADD COLUMN account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
        -- While at_risk: the stage the customer returns to when no sign holds any more.
        ADD COLUMN stage_before_risk text
          CHECK (stage_before_risk IN ('acquisition', 'retained', 'at_risk', 'defected', 'reacquired'));
      CREATE INDEX customers_account_idx ON customers (account_id) WHERE account_id IS NOT NULL;

      CREATE TABLE business_events (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        type        text NOT NULL CHECK (type IN ('quote', 'order', 'purchase', 'renewal', 'cancellation')),
        amount      numeric(14, 2),
        product     text,
        occurred_at timestamptz NOT NULL,
        external_id text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT business_events_customer_external_key UNIQUE (customer_id, external_id)
      );
      CREATE INDEX business_events_customer_time_idx ON business_events (customer_id, occurred_at DESC, id DESC);

      CREATE TABLE customer_lifecycle_changes (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id      uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        stage            text NOT NULL CHECK (stage IN ('acquisition', 'retained', 'at_risk', 'defected', 'reacquired')),
        acquisition_step text CHECK (acquisition_step IN ('enquiry', 'interaction', 'exchange', 'coordination', 'adoption')),
        reason           text NOT NULL,
        occurred_at      timestamptz NOT NULL
      );
      CREATE INDEX customer_lifecycle_changes_customer_idx ON customer_lifecycle_changes (customer_id, occurred_at DESC, id DESC);

      ALTER TABLE retention_tasks
        ADD CONSTRAINT retention_tasks_kind_check
          CHECK (kind IN ('attrition', 'reacquisition', 'satisfaction', 'extension', 'follow_up')),
        ADD COLUMN signs text[] NOT NULL DEFAULT '{}',
        ADD COLUMN account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
        ADD COLUMN conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
        ADD COLUMN offer jsonb;
      CREATE UNIQUE INDEX retention_tasks_one_open_attrition_idx ON retention_tasks (customer_id)
        WHERE kind = 'attrition' AND status IN ('open', 'in_progress');
      CREATE INDEX retention_tasks_list_idx ON retention_tasks (created_at DESC, id DESC);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP INDEX retention_tasks_list_idx;
      DROP INDEX retention_tasks_one_open_attrition_idx;
      ALTER TABLE retention_tasks DROP CONSTRAINT retention_tasks_kind_check,
        DROP COLUMN signs, DROP COLUMN account_id, DROP COLUMN conversation_id, DROP COLUMN offer;
      DROP TABLE customer_lifecycle_changes, business_events;
      ALTER TABLE customers DROP COLUMN account_id, DROP COLUMN stage_before_risk;
      DROP TABLE accounts;
    `);
  }
}
