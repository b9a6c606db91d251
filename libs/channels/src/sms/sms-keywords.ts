/**
 * Carrier-standard SMS keywords. The whole body must be the keyword (trimmed, any case), so
 * "please stop calling me" is a message for an agent, not an opt-out.
 */
export const SMS_KEYWORD_RULES = {
  opt_out: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'],
  opt_in: ['START', 'YES', 'UNSTOP'],
  help: ['HELP'],
} as const;

export type SmsKeyword = keyof typeof SMS_KEYWORD_RULES;

const KEYWORD_BY_WORD = new Map<string, SmsKeyword>(
  Object.entries(SMS_KEYWORD_RULES).flatMap(([keyword, words]) => words.map((word) => [word, keyword as SmsKeyword])),
);

/** The keyword a message body is, or null for an ordinary message. */
export function smsKeywordOf(body: string): SmsKeyword | null {
  return KEYWORD_BY_WORD.get(body.trim().toUpperCase()) ?? null;
}
