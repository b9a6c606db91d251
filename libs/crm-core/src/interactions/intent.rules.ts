import type { Intent } from '@omnihub/channels';

/**
 * Keyword rules for what an inbound message is about, first match wins. Metrics count
 * complaints and enquiries from this; a call log's outcome can settle it outright.
 */
export const INTENT_RULES: ReadonlyArray<{ intent: Intent; when: RegExp }> = [
  {
    intent: 'complaint',
    when: /\b(refund|broken|damaged|terrible|awful|unacceptable|complain\w*|angry|worst|disappointed|never arrived|still waiting|overcharged|wrong item|rude)\b/i,
  },
  { intent: 'purchase', when: /\b(buy|purchase|order (?:another|more|two|2)|upgrade|subscribe)\b/i },
  {
    intent: 'enquiry',
    when: /\?|\b(how|when|what|where|which|do you|can i|could you|price|available|opening hours|is there)\b/i,
  },
];

const OUTCOME_INTENTS: Readonly<Record<string, Intent>> = { complaint: 'complaint', sale: 'purchase' };

export function classifyIntent(text: string, callOutcome?: unknown): Intent {
  if (typeof callOutcome === 'string' && OUTCOME_INTENTS[callOutcome]) return OUTCOME_INTENTS[callOutcome];
  return INTENT_RULES.find((rule) => rule.when.test(text))?.intent ?? 'other';
}
