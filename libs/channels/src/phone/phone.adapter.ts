import { setImmediate as nextTurn } from 'node:timers/promises';
import type { InputError, ParseResult } from '../channel-plugin';
import type { InboundInteraction } from '../interaction';
import { toE164 } from '../phone-number';
import { validateInput } from '../validation/validate-input';
import { CallLogDto } from './call-log.dto';

export const MAX_CALL_LOGS_PER_REQUEST = 1000;
/**
 * Call logs validated in one turn of the event loop. A thousand took the api's loop for tens of
 * milliseconds at a time, and live webhooks waited behind them (bench, isolation scenario).
 */
const CALL_LOGS_PER_TURN = 25;

export interface CallLogContext {
  partnerId: string;
  /**
   * Called between turns with when the turn began (`performance.now()`), to give the event loop
   * back; by default at once (setImmediate). An import may rest longer.
   */
  betweenTurns?: (turnStartedAt: number) => Promise<unknown>;
}

/**
 * Call logs from outsourced call centres. A request is one call log or an array of them; one
 * bad item rejects them all, with each item's errors under its index.
 */
export class PhoneAdapter {
  async parseInbound(
    body: unknown,
    { partnerId, betweenTurns = () => nextTurn() }: CallLogContext,
  ): Promise<ParseResult<InboundInteraction[]>> {
    const bulk = Array.isArray(body);
    const items: unknown[] = bulk ? body : [body];
    if (items.length === 0) return fail('(body)', 'must hold at least one call log');
    if (items.length > MAX_CALL_LOGS_PER_REQUEST) {
      return fail('(body)', `must hold at most ${MAX_CALL_LOGS_PER_REQUEST} call logs, got ${items.length}`);
    }
    const errors: InputError[] = [];
    const interactions: InboundInteraction[] = [];
    let turnStartedAt = performance.now();
    for (const [index, item] of items.entries()) {
      if (index > 0 && index % CALL_LOGS_PER_TURN === 0) {
        await betweenTurns(turnStartedAt);
        turnStartedAt = performance.now();
      }
      const parsed = parseCallLog(item, bulk ? `[${index}]` : '', partnerId);
      if (parsed.ok) interactions.push(parsed.value);
      else errors.push(...parsed.errors);
    }
    return errors.length ? { ok: false, errors } : { ok: true, value: interactions };
  }
}

function parseCallLog(item: unknown, prefix: string, partnerId: string): ParseResult<InboundInteraction> {
  const parsed = validateInput(CallLogDto, item, prefix);
  if (!parsed.ok) return parsed;
  const phone = toE164(parsed.value.customerPhone);
  if (!phone) {
    return fail(join(prefix, 'customerPhone'), 'customerPhone must be a phone number in international format, e.g. +447700900123');
  }
  if (parsed.value.endedAt && Date.parse(parsed.value.endedAt) < Date.parse(parsed.value.startedAt)) {
    return fail(join(prefix, 'endedAt'), 'endedAt must not be before startedAt');
  }
  return { ok: true, value: toInteraction(parsed.value, phone, partnerId) };
}

function toInteraction(log: CallLogDto, phone: string, partnerId: string): InboundInteraction {
  return {
    channel: 'phone',
    direction: log.direction,
    kind: 'call',
    identity: { channel: 'phone', address: phone },
    externalId: log.externalId,
    // Two call centres may use the same ids: idempotency is per partner.
    idempotencyKey: `${partnerId}:${log.externalId}`,
    occurredAt: new Date(log.startedAt).toISOString(),
    text: log.notes ?? '',
    customerName: log.customerName,
    metadata: {
      direction: log.direction,
      outcome: log.outcome,
      durationSeconds: log.durationSeconds ?? durationOf(log),
      agentName: log.agentName ?? null,
      recordingUrl: log.recordingUrl ?? null,
      partnerId,
      taskId: log.taskId ?? null,
      ...(log.csatScore !== undefined && { csatScore: log.csatScore }),
      endedAt: log.endedAt ? new Date(log.endedAt).toISOString() : null,
    },
  };
}

function durationOf(log: CallLogDto): number | null {
  if (!log.endedAt) return null;
  return Math.round((Date.parse(log.endedAt) - Date.parse(log.startedAt)) / 1000);
}

const join = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);
const fail = (path: string, message: string): ParseResult<never> => ({ ok: false, errors: [{ path, message }] });
