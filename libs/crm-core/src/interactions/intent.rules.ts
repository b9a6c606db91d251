import type { Intent } from '@omnihub/channels';
import Sentiment from 'sentiment';

/** How a language's messages are judged: keyword rules, then the sentiment score. */
export interface IntentRuleSet {
  /** First match wins. */
  rules: ReadonlyArray<{ intent: Intent; when: RegExp }>;
  /** An AFINN sentiment score at or below this makes a message a complaint whatever its words. */
  complaintAtOrBelow: number;
}

/**
 * What an inbound message is about, per language. Metrics count complaints and enquiries from
 * this; a channel can settle it outright (a call's outcome), and an agent can override it.
 */
export const INTENT_RULES: Readonly<Record<string, IntentRuleSet>> = {
  en: {
    rules: [
      {
        intent: 'complaint',
        when: /\b(refund|broken|damaged|terrible|awful|unacceptable|complain\w*|angry|worst|disappointed|never arrived|still waiting|overcharged|wrong item|rude)\b/i,
      },
      { intent: 'purchase', when: /\b(buy|purchase|order (?:another|more|two|2)|upgrade|subscribe)\b/i },
      {
        intent: 'enquiry',
        when: /\?|\b(how|when|what|where|which|do you|can i|could you|price|available|opening hours|is there)\b/i,
      },
    ],
    // "I hate this useless service" scores -5; "Sorry, I missed your call" -3; a plain question 0.
    complaintAtOrBelow: -4,
  },
};

const sentiment = new Sentiment();

/**
 * A message says what it is about in its opening; judging no more than this bounds the cost of a
 * long mail (the sentiment score reads every word, and a 25 MiB mail would hold a worker for seconds).
 */
export const INTENT_TEXT_CHARS = 2000;

export function classifyIntent(whole: string, language = 'en', rules: Readonly<Record<string, IntentRuleSet>> = INTENT_RULES): Intent {
  const set = rules[language] ?? rules.en;
  const text = whole.length > INTENT_TEXT_CHARS ? whole.slice(0, INTENT_TEXT_CHARS) : whole;
  const matched = set.rules.find((rule) => rule.when.test(text))?.intent;
  if (matched === 'complaint') return matched;
  if (text.trim() && sentiment.analyze(text, { language: 'en' }).score <= set.complaintAtOrBelow) return 'complaint';
  return matched ?? 'other';
}
