import { toE164 } from './phone-number';

describe('toE164', () => {
  it.each([
    ['+44 7700 900123', '+447700900123'],
    ['0044 7700 900123', '+447700900123'],
    ['+1 (555) 010-0001', '+15550100001'],
    ['  +15550100001 ', '+15550100001'],
  ])('normalizes %s', (raw, e164) => {
    expect(toE164(raw)).toBe(e164);
    // A second look gives the same answer (it comes from the cache).
    expect(toE164(raw)).toBe(e164);
  });

  it.each(['07700 900123', '+1555', 'call me', ''])('refuses %s', (raw) => {
    expect(toE164(raw)).toBeNull();
    expect(toE164(raw)).toBeNull();
  });
});
