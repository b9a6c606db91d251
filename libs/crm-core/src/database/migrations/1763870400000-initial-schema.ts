import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763870400000 implements MigrationInterface {
  name = 'InitialSchema1763870400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE agents (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email         text NOT NULL UNIQUE,
        name          text NOT NULL,
        role          text NOT NULL CHECK (role IN ('admin', 'agent')),
        password_hash text NOT NULL,
        active        boolean NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE partners (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name         text NOT NULL,
        api_key_hash text NOT NULL UNIQUE,
        active       boolean NOT NULL DEFAULT true,
        created_at   timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE customers (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name             text,
        lifecycle_stage  text NOT NULL DEFAULT 'acquisition'
                           CHECK (lifecycle_stage IN ('acquisition', 'retained', 'at_risk', 'defected', 'reacquired')),
        acquisition_step text DEFAULT 'enquiry'
                           CHECK (acquisition_step IN ('enquiry', 'interaction', 'exchange', 'coordination', 'adoption')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX customers_name_idx ON customers (lower(name));

      -- A merged-away customer's id keeps pointing at the survivor, so old links still resolve.
      CREATE TABLE customer_merges (
        merged_id  uuid PRIMARY KEY,
        into_id    uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        merged_at  timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE customer_identities (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        channel     text NOT NULL CHECK (channel IN ('phone', 'email', 'chat')),
        address     text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customer_identities_channel_address_key UNIQUE (channel, address)
      );
      CREATE INDEX customer_identities_customer_idx ON customer_identities (customer_id);

      CREATE TABLE conversations (
        id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id              uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        channel                  text NOT NULL CHECK (channel IN ('email', 'sms', 'chat', 'phone')),
        status                   text NOT NULL DEFAULT 'open'
                                   CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
        assignee_id              uuid REFERENCES agents(id) ON DELETE SET NULL,
        last_interaction_at      timestamptz,
        last_interaction_preview text,
        unread_count             integer NOT NULL DEFAULT 0,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now()
      );
      -- At most one unresolved conversation per customer and channel: find-or-open is one
      -- race-free INSERT .. ON CONFLICT.
      CREATE UNIQUE INDEX conversations_one_active_idx ON conversations (customer_id, channel) WHERE status <> 'resolved';
      CREATE INDEX conversations_inbox_idx ON conversations (last_interaction_at DESC, id DESC);

      CREATE TABLE interactions (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id      uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        conversation_id  uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        channel          text NOT NULL CHECK (channel IN ('email', 'sms', 'chat', 'phone')),
        direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        kind             text NOT NULL CHECK (kind IN ('message', 'call', 'note')),
        text             text NOT NULL DEFAULT '',
        subject          text,
        occurred_at      timestamptz NOT NULL,
        external_id      text NOT NULL,
        idempotency_key  text NOT NULL,
        delivery_status  text CHECK (delivery_status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'blocked')),
        intent           text CHECK (intent IN ('complaint', 'enquiry', 'purchase', 'other')),
        metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
        author_agent_id  uuid REFERENCES agents(id) ON DELETE SET NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT interactions_channel_idempotency_key UNIQUE (channel, idempotency_key)
      );
      CREATE INDEX interactions_customer_time_idx ON interactions (customer_id, occurred_at DESC, id DESC);
      CREATE INDEX interactions_conversation_time_idx ON interactions (conversation_id, occurred_at, id);

      -- One row per customer, day and channel: metrics read buckets, not every interaction.
      CREATE TABLE customer_activity_daily (
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        day         date NOT NULL,
        channel     text NOT NULL,
        count       integer NOT NULL DEFAULT 0,
        complaints  integer NOT NULL DEFAULT 0,
        enquiries   integer NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, day, channel)
      );

      CREATE TABLE retention_tasks (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        kind        text NOT NULL,
        reason      text NOT NULL,
        severity    text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
        status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'dismissed')),
        due_at      timestamptz,
        assignee_id uuid REFERENCES agents(id) ON DELETE SET NULL,
        partner_id  uuid REFERENCES partners(id) ON DELETE SET NULL,
        outcome     text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX retention_tasks_customer_idx ON retention_tasks (customer_id);
      CREATE INDEX retention_tasks_partner_idx ON retention_tasks (partner_id) WHERE partner_id IS NOT NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE retention_tasks, customer_activity_daily, interactions, conversations,
        customer_identities, customer_merges, customers, partners, agents;
    `);
  }
}
