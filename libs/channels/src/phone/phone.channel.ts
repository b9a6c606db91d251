import type { ChannelDefinition, ChannelPlugin, IngestHooks } from '../channel-plugin';
import type { Intent } from '../interaction';
import { PhoneAdapter } from './phone.adapter';

/** A call's outcome settles its intent; otherwise its notes are judged as a message's text is. */
const OUTCOME_INTENTS: Readonly<Record<string, Intent>> = { complaint: 'complaint', sale: 'purchase' };
/** Outcomes of a call on which the customer spoke with the call centre. */
const ANSWERED_OUTCOMES: ReadonlySet<string> = new Set(['answered', 'callback_requested', 'complaint', 'sale']);

/** Calls, logged by outsourced call centres through the partner API. */
export class PhoneChannel implements ChannelPlugin {
  readonly channel = 'phone' as const;
  readonly callLogs = new PhoneAdapter();
  readonly noReplies = 'a call log records a call that already happened';

  readonly ingest: IngestHooks = {
    intentOf: ({ metadata: { outcome } }) =>
      typeof outcome === 'string' && Object.hasOwn(OUTCOME_INTENTS, outcome) ? OUTCOME_INTENTS[outcome] : undefined,
    twoWay: ({ metadata: { outcome } }) => typeof outcome === 'string' && ANSWERED_OUTCOMES.has(outcome),
    csatOf: ({ metadata: { csatScore } }) => (typeof csatScore === 'number' ? { score: csatScore, comment: null } : undefined),
    taskOutcomeOf: ({ metadata: { taskId, outcome, partnerId } }) =>
      typeof taskId === 'string' && typeof outcome === 'string' && typeof partnerId === 'string'
        ? { taskId, outcome, partnerId }
        : undefined,
  };
}

export const PHONE_CHANNEL: ChannelDefinition<null, PhoneChannel> = {
  channel: 'phone',
  readSettings: () => null,
  create: () => new PhoneChannel(),
};
