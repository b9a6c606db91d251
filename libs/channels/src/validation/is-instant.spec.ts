import { isInstant } from './is-instant';

describe('isInstant', () => {
  it.each(['2026-11-20T09:30:00Z', '2026-11-20T10:30:00+01:00', '2026-11-20', '1000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z'])(
    'accepts %s',
    (value) => expect(isInstant(value)).toBe(true),
  );

  it.each([
    '2024-W01-1',
    '2026-330',
    '2026-11-20T23:59:60Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:30:00+01:00',
    '+010000-01-01T00:00:00Z',
    '2026-02-30',
    'soon',
    42,
    null,
  ])('refuses %s', (value) => expect(isInstant(value)).toBe(false));
});
