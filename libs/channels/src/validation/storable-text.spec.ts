import { findUnstorableText, repairUnstorableText, MAX_INPUT_DEPTH, unstorableTextProblem } from './storable-text';

describe('unstorableTextProblem', () => {
  it.each(['plain', 'tab\tnew\nline', 'bell\u0007 escape\u001b del\u007f c1\u0085', 'emoji 😀 pair \ud83d\ude00', '\ufffe\uffff', ''])(
    'keeps %j',
    (text) => expect(unstorableTextProblem(text)).toBeUndefined(),
  );

  it.each(['\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ude00\ud83d', 'end\ud83d'])('refuses %j', (text) => {
    expect(unstorableTextProblem(text)).toEqual(expect.stringMatching(/NUL|surrogate/));
  });
});

describe('findUnstorableText', () => {
  it('names every bad string under the contract path, field names included', () => {
    const input = [{ notes: 'ok' }, { notes: 'a\u0000', tags: ['fine', '\ud800'] }, { ['k\u0000']: 1 }];
    expect(findUnstorableText(input)).toEqual([
      { path: '[1].notes', message: expect.stringContaining('[1].notes must not contain the NUL') },
      { path: '[1].tags[1]', message: expect.stringContaining('surrogate') },
      { path: '[2]', message: expect.stringContaining('a field name in [2]') },
    ]);
  });

  it('names a lone string by its root and a bare body as (body)', () => {
    expect(findUnstorableText('\u0000', 'id')).toEqual([{ path: 'id', message: expect.stringContaining('id must not') }]);
    expect(findUnstorableText('\u0000')).toEqual([{ path: '(body)', message: expect.stringContaining('the body must not') }]);
  });

  it('refuses nesting deeper than the limit without recursing', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)).toEqual([
      { path: expect.stringMatching(/^(\[0\]){32}$/), message: expect.stringContaining(`${MAX_INPUT_DEPTH} levels`) },
    ]);
  });

  it('passes numbers, booleans, null and good text', () => {
    expect(findUnstorableText({ a: 1, b: true, c: null, d: [1.5, 'x'], e: { f: 'y' } })).toEqual([]);
  });

  it('leaves raw bytes to their parser instead of walking them byte by byte', () => {
    expect(findUnstorableText(Buffer.from('raw mail with a \u0000 byte'))).toEqual([]);
    expect(findUnstorableText({ file: new Uint8Array([0, 1, 2]) })).toEqual([]);
  });
});

describe('repairUnstorableText', () => {
  it('drops NUL and replaces lone surrogates everywhere, keeping bytes and good text', () => {
    const bytes = Buffer.from([0, 1]);
    expect(repairUnstorableText({ text: 'a\u0000b', list: ['\uD800x', 'ok \uD83D\uDE00'], bytes })).toEqual({
      text: 'ab',
      list: ['\uFFFDx', 'ok \uD83D\uDE00'],
      bytes,
    });
  });
});
