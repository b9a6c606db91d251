import { PhoneAdapter } from './phone.adapter';

const adapter = new PhoneAdapter();
const context = { partnerId: 'partner-1' };
const log = {
  externalId: 'c-1',
  direction: 'outbound',
  customerPhone: '+44 7700 900123',
  startedAt: '2026-11-20T10:00:00+01:00',
  endedAt: '2026-11-20T10:02:30+01:00',
  outcome: 'callback_requested',
};

describe('PhoneAdapter', () => {
  it('normalizes a call log into a phone interaction scoped to its partner', async () => {
    const result = await adapter.parseInbound(log, context);
    expect(result).toEqual({
      ok: true,
      value: [
        {
          channel: 'phone',
          direction: 'outbound',
          kind: 'call',
          identity: { channel: 'phone', address: '+447700900123' },
          externalId: 'c-1',
          idempotencyKey: 'partner-1:c-1',
          occurredAt: '2026-11-20T09:00:00.000Z',
          text: '',
          customerName: undefined,
          metadata: {
            direction: 'outbound',
            outcome: 'callback_requested',
            durationSeconds: 150,
            agentName: null,
            recordingUrl: null,
            partnerId: 'partner-1',
            taskId: null,
            endedAt: '2026-11-20T09:02:30.000Z',
          },
        },
      ],
    });
  });

  it('reports errors of a bulk request under each item index, all at once', async () => {
    const result = await adapter.parseInbound(
      [log, { ...log, customerPhone: '07700 900123' }, { ...log, endedAt: '2026-11-20T08:00:00Z' }],
      context,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: '[1].customerPhone', message: expect.stringContaining('international format') },
        { path: '[2].endedAt', message: 'endedAt must not be before startedAt' },
      ],
    });
  });

  it('gives the event loop back while it validates an import, and names each error by its place in the whole', async () => {
    const logs = Array.from({ length: 1000 }, (_, n) => ({ ...log, externalId: `c-${n}` }));
    logs[950] = { ...logs[950], customerPhone: '07700 900123' };
    // Something else waiting on the loop (a webhook) gets turns while the import is validated.
    let turns = 0;
    let validating = true;
    const other = () => {
      turns++;
      if (validating) setImmediate(other);
    };
    setImmediate(other);
    const result = await adapter.parseInbound(logs, context);
    validating = false;
    expect(result).toEqual({
      ok: false,
      errors: [{ path: '[950].customerPhone', message: expect.stringContaining('international format') }],
    });
    expect(turns).toBeGreaterThanOrEqual(9);
  });

  it('refuses a body that is not a call log or a list of them', async () => {
    expect(await adapter.parseInbound('hello', context)).toEqual({
      ok: false,
      errors: [{ path: '(body)', message: 'must be a JSON object' }],
    });
    expect(await adapter.parseInbound(null, context)).toMatchObject({ ok: false });
    expect(await adapter.parseInbound([], context)).toEqual({
      ok: false,
      errors: [{ path: '(body)', message: 'must hold at least one call log' }],
    });
  });

  it('prefers the reported duration over the one the times imply', async () => {
    const result = await adapter.parseInbound({ ...log, durationSeconds: 120 }, context);
    expect(result.ok && result.value[0].metadata.durationSeconds).toBe(120);
  });
});
