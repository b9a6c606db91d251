import fc from 'fast-check';

/**
 * Inputs a careless or hostile client sends: text the database cannot store (NUL, lone
 * surrogates), control and invisible characters, odd numbers and dates, wrong types. Each field
 * is often valid too, so the requests get past the first check and reach the deeper ones.
 */

/** Characters the hub keeps as sent: controls, invisibles, emoji, quotes and escapes. */
const ODD_UNITS = [
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u2028',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '😀',
  '%',
  '\\',
  '"',
  "'",
  '\n',
  '\t',
  '\r',
  ' ',
];
/** Characters no database field can hold (storable-text.ts). */
const UNSTORABLE_UNITS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ude00\ud83d'];

const storableUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_UNITS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\u0000') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x1f }).map((code) => String.fromCharCode(code)) },
);

const storableText = (maxLength: number) => fc.string({ unit: storableUnit, maxLength });

/** Text with at least one character that cannot be stored, anywhere in it. */
const unstorableText = (maxLength: number) =>
  fc
    .tuple(
      storableText(maxLength / 2),
      fc.oneof(
        fc.constantFrom(...UNSTORABLE_UNITS),
        fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      ),
      storableText(maxLength / 2),
    )
    .map((parts) => parts.join(''));

/** Mostly text the hub must keep as sent, sometimes text it must refuse. */
export const nastyText = (maxLength = 12) =>
  fc.oneof({ weight: 6, arbitrary: storableText(maxLength) }, { weight: 1, arbitrary: unstorableText(maxLength) });

export const oddNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, -1, 1e21, 2 ** 53 + 1, Number.MAX_VALUE, 1e-320));

const ODD_DATES = [
  '2024-W01-1',
  '2026-330',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:30:00+01:00',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-11-20T24:00:00Z',
  '2026-11-20T23:59:60Z',
  '2026-02-29',
  '2026-11-20T10:00',
  '2026-11-20 10:00:00',
  '20261120T100000Z',
  'Tue, 1 Dec 2026 10:00:00 GMT',
  '1',
];

export const oddDate = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  fc.constantFrom(...ODD_DATES),
  nastyText(),
);

/** Any JSON value, shallow: what a field gets when the client has its types wrong. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  nastyText(),
  oddNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyText(4), { maxLength: 3 }),
  fc.dictionary(nastyText(4), nastyText(4), { maxKeys: 2 }),
);

/** Often the valid value, otherwise anything. */
export const mostly = <T, U = unknown>(valid: fc.Arbitrary<T>, odd: fc.Arbitrary<U> = anyJson as fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: odd });

export const validPhone = fc.integer({ min: 0, max: 9_999_999 }).map((n) => `+1555${String(n).padStart(7, '0')}`);

const CALL_LOG_FIELDS = [
  'externalId',
  'direction',
  'customerPhone',
  'customerName',
  'agentName',
  'startedAt',
  'endedAt',
  'durationSeconds',
  'outcome',
  'notes',
  'recordingUrl',
  'taskId',
  'csatScore',
];

/** A call log the hub must accept, its text fields full of characters it keeps as sent. */
const validCallLog = fc.record(
  {
    externalId: storableText(40).map((s) => `fz-${s}`),
    direction: fc.constantFrom('inbound', 'outbound'),
    customerPhone: validPhone,
    customerName: storableText(30),
    agentName: storableText(30),
    startedAt: fc.constant('2026-11-20T09:00:00Z'),
    endedAt: fc.constant('2026-11-20T09:05:00Z'),
    durationSeconds: fc.integer({ min: 0, max: 3600 }),
    outcome: fc.constantFrom('answered', 'missed', 'complaint', 'sale'),
    notes: storableText(200),
    recordingUrl: fc.constant('https://recordings.example.test/a.mp3'),
  },
  { requiredKeys: ['externalId', 'direction', 'customerPhone', 'startedAt', 'outcome'] },
);

/** Up to three fields (known or not) given something odd: a lone surrogate, a wrong type, a bad date. */
const oddFields = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...CALL_LOG_FIELDS), nastyText(8)),
    fc.oneof(
      unstorableText(40).map((s) => `fz-${s}`),
      anyJson,
      oddDate,
      oddNumber,
      fc.uuid(),
    ),
  ),
  { maxLength: 3 },
);

/** A valid call log, as often as not with a few fields spoiled. */
export const callLogItem = fc
  .tuple(validCallLog, oddFields)
  .map(([item, odd]) => ({ ...item, ...Object.fromEntries(odd) }) as Record<string, unknown>);

/** A query string value as bytes on the wire: text as UTF-8, or broken percent-encoding. */
export const queryValue = fc.oneof(
  { weight: 4, arbitrary: nastyText(30).map((s) => percentEncode(s)) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%G1', '%ED%A0%80', '%FF%FE', '%C0%80', '%00', '%E2%82') },
);

/** Percent-encodes each UTF-16 unit, a lone surrogate as the 3 bytes WTF-8 gives it (invalid UTF-8). */
export function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const bytes =
      code >= 0xd800 && code <= 0xdfff ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)] : [...Buffer.from(char)];
    out += bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
  return out;
}
