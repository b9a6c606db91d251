import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SmsOptOuts1795392000000 implements MigrationInterface {
  name = 'SmsOptOuts1795392000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      -- A phone number's SMS consent: one row per number that ever texted an opt-out or opt-in
      -- keyword, the latest keyword in force. changed_at is when that keyword reached the hub, so
      -- a STOP and a START processed out of order still leave the later one deciding.
      CREATE TABLE sms_opt_outs (
        phone       text PRIMARY KEY,
        opted_out   boolean NOT NULL,
        keyword     text NOT NULL,
        message_sid text NOT NULL,
        changed_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      );

      -- Twilio's delivery status callbacks name an outbound SMS by its MessageSid only.
      CREATE INDEX interactions_outbound_sms_external_id_idx ON interactions (external_id)
        WHERE channel = 'sms' AND direction = 'outbound';
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP INDEX interactions_outbound_sms_external_id_idx;
      DROP TABLE sms_opt_outs;
    `);
  }
}
