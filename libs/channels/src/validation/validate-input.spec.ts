import { CallLogDto } from '../phone/call-log.dto';
import { validateInput } from './validate-input';

const log = {
  externalId: 'c-1',
  direction: 'inbound',
  customerPhone: '+447700900123',
  startedAt: '2026-11-20T10:00:00Z',
  outcome: 'answered',
};

describe('validateInput', () => {
  it('refuses unstorable text in any field, under the item prefix, before the DTO rules', () => {
    expect(validateInput(CallLogDto, { ...log, notes: 'a\u0000b', agentName: '\udc00' }, '[3]')).toEqual({
      ok: false,
      errors: [
        { path: '[3].notes', message: '[3].notes must not contain the NUL character (U+0000)' },
        { path: '[3].agentName', message: '[3].agentName must not contain an unpaired UTF-16 surrogate' },
      ],
    });
  });

  it('keeps other control characters as sent', () => {
    const result = validateInput(CallLogDto, { ...log, notes: 'line\nbreak\u0007bell\u0085' });
    expect(result.ok && result.value.notes).toBe('line\nbreak\u0007bell\u0085');
  });

  it('refuses a date ISO 8601 allows but that names no instant', () => {
    expect(validateInput(CallLogDto, { ...log, startedAt: '2024-W01-1' })).toEqual({
      ok: false,
      errors: [{ path: 'startedAt', message: expect.stringContaining('startedAt must be an ISO 8601 date and time') }],
    });
  });
});
