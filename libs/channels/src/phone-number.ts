import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number in E.164, or null when it is not a possible number. Numbers without a country
 * code are read as international only: call centres and Twilio both send `+` numbers, and
 * guessing a country would merge strangers.
 */
export function toE164(raw: string): string | null {
  const trimmed = raw.trim().replace(/^00/, '+');
  if (!trimmed.startsWith('+')) return null;
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}
