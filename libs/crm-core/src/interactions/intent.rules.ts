import type { Intent } from '@omnihub/channels';

/**
 * Keyword rules for what an inbound message is about, first match wins. Metrics count
 * complaints and enquiries from this; a channel can settle it outright (a call's outcome).
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

export function classifyIntent(text: string): Intent {
  return INTENT_RULES.find((rule) => rule.when.test(text))?.intent ?? 'other';
}
