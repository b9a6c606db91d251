import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor';

const ID = '6f1c2f0e-3b7a-4c1e-9a55-0d2f3c4b5a69';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor', () => {
  it('decodes what it encodes, with or without a sort value', () => {
    for (const at of ['2026-11-20T09:30:00.000Z', null]) expect(decodeCursor(encodeCursor({ at, id: ID }))).toEqual({ at, id: ID });
  });

  it.each([
    ['a date Date.parse reads but PostgreSQL does not', raw(['1', ID])],
    ['a date in words', raw(['Tue 1 Dec 2026', ID])],
    ['a date without its time', raw(['2026-12-01', ID])],
    ['year 0000', raw(['0000-01-01T00:00:00.000Z', ID])],
    ['a date that rolls over', raw(['2026-02-30T00:00:00.000Z', ID])],
    ['a number for the date', raw([1, ID])],
    ['a bad id', raw([null, 'x'])],
    ['not JSON', 'garbage'],
    ['JSON that is not a pair', raw(5)],
  ])('refuses %s', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });
});
