import type { InputError } from '../channel-plugin';

/**
 * Text the database cannot keep as sent: PostgreSQL's `text` and `jsonb` refuse U+0000, and a
 * lone UTF-16 surrogate has no UTF-8 form (the driver would quietly store U+FFFD instead, and
 * `encodeURIComponent` throws on it). Such input is refused at the edge, never accepted and then
 * lost. Every other character, control characters included, is kept as sent (docs/input.md).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** JSON nested deeper than this is no shape any route takes; refusing it bounds the walk. */
export const MAX_INPUT_DEPTH = 32;

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableTextProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain an unpaired UTF-16 surrogate';
  return undefined;
}

/**
 * Every string in a parsed input (JSON body, query, form, path parameter), field names
 * included, that cannot be stored, under the contract's path (`[3].notes`, `items[0].name`).
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function findUnstorableText(input: unknown, root = ''): InputError[] {
  const errors: InputError[] = [];
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: input, path: root, depth: 0 }];
  while (pending.length) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      const problem = unstorableTextProblem(value);
      if (problem) errors.push({ path: path || '(body)', message: `${path || 'the body'} ${problem}` });
      continue;
    }
    // Raw bytes (a mail posted as message/rfc822) are no text yet: their parser checks what it decodes.
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      errors.push({ path: path || '(body)', message: `${path || 'the body'} is nested more than ${MAX_INPUT_DEPTH} levels deep` });
      continue;
    }
    const entries: Array<[string, unknown]> = Array.isArray(value)
      ? value.map((item, index) => [`${path}[${index}]`, item])
      : Object.entries(value).map(([key, item]) => {
          const problem = unstorableTextProblem(key);
          if (problem) errors.push({ path: path || '(body)', message: `a field name in ${path || 'the body'} ${problem}` });
          return [path ? `${path}.${key}` : key, item];
        });
    for (const [childPath, child] of entries.reverse()) pending.push({ value: child, path: childPath, depth: depth + 1 });
  }
  return errors;
}

/**
 * For text decoded from a provider's bytes (a mail's parts), which no sender can correct: the same
 * characters repaired rather than refused, NUL dropped and a lone surrogate made U+FFFD, so the
 * message is stored instead of failing for good in the worker.
 */
export function repairUnstorableText<T>(value: T): T {
  if (typeof value === 'string') {
    // Nearly every string is fine: a check is much cheaper than copying a mail's whole HTML.
    if (unstorableTextProblem(value) === undefined) return value;
    return value.split('\u0000').join('').replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD') as T;
  }
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => repairUnstorableText(item)) as T;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [repairUnstorableText(key), repairUnstorableText(item)])) as T;
}
