import type { Intent } from '@omnihub/channels';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import { RetentionEvaluationService, type EvaluationOutcome } from '../retention/retention-evaluation.service';
import { INTERACTION_COLUMNS, toInteractionView, type InteractionRow, type InteractionView } from './interaction.view';

export class InteractionNotFoundError extends Error {
  constructor(id: string) {
    super(`interaction ${id} does not exist`);
  }
}

/** Only what a customer sent (messages and calls) has an intent. */
export class IntentNotApplicableError extends Error {
  constructor() {
    super('intent can be set only on an inbound message or call');
  }
}

/**
 * An agent's judgement of what an inbound interaction is about. It replaces the rules' intent,
 * and the day's activity bucket moves with it, so the override wins in every metric and sign.
 */
export class IntentOverrideService {
  constructor(
    private readonly db: DataSource,
    private readonly evaluation: RetentionEvaluationService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async override(id: string, intent: Intent): Promise<{ interaction: InteractionView; changes: EvaluationOutcome }> {
    const [row] = await queryRows<InteractionRow & { applicable: boolean }>(
      this.db,
      `WITH old AS (
         SELECT id, customer_id, channel, occurred_at, intent, (direction = 'inbound' AND kind <> 'note') AS applicable
           FROM interactions WHERE id = $1 FOR UPDATE
       ), changed AS (
         UPDATE interactions i SET intent = $2 FROM old WHERE i.id = old.id AND old.applicable RETURNING i.*
       ), bucket AS (
         UPDATE customer_activity_daily a SET
           complaints = a.complaints + ($2 = 'complaint')::int - (old.intent IS NOT DISTINCT FROM 'complaint')::int,
           enquiries = a.enquiries + ($2 = 'enquiry')::int - (old.intent IS NOT DISTINCT FROM 'enquiry')::int
           FROM old
          WHERE old.applicable AND a.customer_id = old.customer_id AND a.channel = old.channel
            AND a.day = (old.occurred_at AT TIME ZONE 'UTC')::date
       )
       SELECT old.applicable, c.* FROM old LEFT JOIN LATERAL (SELECT ${INTERACTION_COLUMNS} FROM changed) c ON true`,
      [id, intent],
    );
    if (!row) throw new InteractionNotFoundError(id);
    if (!row.applicable) throw new IntentNotApplicableError();
    const interaction = toInteractionView(row);
    const changes = await this.evaluation.evaluate([interaction.customerId], this.now(), 'ingest');
    return { interaction, changes };
  }
}
