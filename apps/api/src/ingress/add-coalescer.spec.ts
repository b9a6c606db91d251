import { AddCoalescer } from './add-coalescer';

describe('AddCoalescer', () => {
  it('flushes what is submitted in one turn as one batch and settles every submitter', async () => {
    const batches: number[][] = [];
    const coalescer = new AddCoalescer<number>(async (items) => void batches.push(items));
    await Promise.all([1, 2, 3].map((n) => coalescer.submit(n)));
    await coalescer.submit(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every submitter of a failed batch, and only those', async () => {
    let fail = true;
    const coalescer = new AddCoalescer<string>(async () => {
      if (fail) throw new Error('redis down');
    });
    const results = await Promise.allSettled([coalescer.submit('a'), coalescer.submit('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(coalescer.submit('c')).resolves.toBeUndefined();
  });

  it('never lets a batch grow past its limit', async () => {
    const sizes: number[] = [];
    const coalescer = new AddCoalescer<number>(async (items) => void sizes.push(items.length), 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => coalescer.submit(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
