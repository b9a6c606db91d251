import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Parsing costs tens of microseconds and the same few numbers (the hub's own, regular
 * customers) arrive again and again, so results are remembered; the cache is bounded.
 */
const CACHE_LIMIT = 50_000;
const normalized = new Map<string, string | null>();

/**
 * A phone number in E.164, or null when it is not a possible number. Numbers without a country
 * code are read as international only: call centres and Twilio both send `+` numbers, and
 * guessing a country would merge strangers.
 */
export function toE164(raw: string): string | null {
  const known = normalized.get(raw);
  if (known !== undefined) return known;
  const result = parse(raw);
  if (normalized.size >= CACHE_LIMIT) normalized.clear();
  normalized.set(raw, result);
  return result;
}

function parse(raw: string): string | null {
  const trimmed = raw.trim().replace(/^00/, '+');
  if (!trimmed.startsWith('+')) return null;
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}
