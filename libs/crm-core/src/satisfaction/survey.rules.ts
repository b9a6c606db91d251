import type { Channel } from '@omnihub/channels';

/** The survey's question in English: satisfaction is delivery against expectation (CONTRACT.md, "Satisfaction"). */
export const DEFAULT_SURVEY_TEXTS: Readonly<Record<string, string>> = {
  en: 'How did we do against what you expected? Reply 1 (far below) to 5 (far above); 3 means as expected.',
};

/** A conversation's satisfaction: the customer's answer, or a score an agent or a call log recorded. */
export interface CsatView {
  score: number;
  comment: string | null;
  respondedAt: string;
}

export interface CsatScore {
  score: number;
  comment: string | null;
}

/** At most one survey per conversation in this long, and an answer counts for this long after it. */
export const SURVEY_WINDOW_DAYS = 7;

/** What decides whether a resolved conversation gets the survey. */
export interface SurveyFacts {
  /** `CSAT_SURVEY`. */
  enabled: boolean;
  status: string;
  /** The channel sends the hub's messages (a call log records a call that already happened). */
  channelSends: boolean;
  /** Why the channel refuses a message to this customer now (an opted-out number), else null. */
  refusal: string | null;
  /** The customer's latest message in the conversation is an automatic one (an out-of-office reply). */
  lastInboundAutomatic: boolean;
  hasInbound: boolean;
  lastSurveyAt: Date | null;
}

export interface SurveyRule {
  id: string;
  /** Holds when the survey must not go out. */
  when: (facts: SurveyFacts, now: Date) => boolean;
  then: 'skip';
  reason: (facts: SurveyFacts, now: Date) => string;
}

const DAY = 86_400_000;

/**
 * Whether the satisfaction survey goes out when an agent resolves a conversation, as data: each
 * row is a reason not to send it, asked in order; when none holds, it is sent.
 */
export const SURVEY_RULES: readonly SurveyRule[] = [
  { id: 'survey_off', when: (f) => !f.enabled, then: 'skip', reason: () => 'The survey is off (CSAT_SURVEY=false).' },
  {
    id: 'not_resolved',
    when: (f) => f.status !== 'resolved',
    then: 'skip',
    reason: (f) => `The conversation is ${f.status}, not resolved.`,
  },
  {
    id: 'channel_does_not_send',
    when: (f) => !f.channelSends,
    then: 'skip',
    reason: () => 'The channel does not send messages.',
  },
  {
    id: 'no_customer_message',
    when: (f) => !f.hasInbound,
    then: 'skip',
    reason: () => 'The customer never wrote in this conversation: there is nothing to rate.',
  },
  {
    id: 'auto_reply',
    when: (f) => f.lastInboundAutomatic,
    then: 'skip',
    reason: () => 'The customer’s latest message is an automatic reply: a survey would answer a machine.',
  },
  {
    id: 'recipient_refuses',
    when: (f) => f.refusal !== null,
    then: 'skip',
    reason: (f) => `The channel refuses the message: ${f.refusal}`,
  },
  {
    id: 'surveyed_recently',
    when: (f, now) => f.lastSurveyAt !== null && now.getTime() - f.lastSurveyAt.getTime() < SURVEY_WINDOW_DAYS * DAY,
    then: 'skip',
    reason: (f) => `A survey already went out on ${f.lastSurveyAt!.toISOString().slice(0, 10)}: at most one in ${SURVEY_WINDOW_DAYS} days.`,
  },
];

export type SurveyDecision = { send: true } | { send: false; rule: string; reason: string };

export function decideSurvey(facts: SurveyFacts, now: Date): SurveyDecision {
  const rule = SURVEY_RULES.find((r) => r.when(facts, now));
  return rule ? { send: false, rule: rule.id, reason: rule.reason(facts, now) } : { send: true };
}

/**
 * A message that answers the survey: a digit 1–5 standing alone at the start, optionally followed
 * by a comment ("5", "2 too slow", "4 - quick, thanks"). "five", "25" and "2.5" are not scores:
 * such a message is an ordinary one.
 */
export function parseSurveyAnswer(text: string): CsatScore | null {
  const match = /^\s*([1-5])(?![0-9]|[.,][0-9])[\s.,;:!)\]/–—-]*([\s\S]*)$/.exec(text);
  if (!match) return null;
  const comment = match[2].trim();
  return { score: Number(match[1]), comment: comment || null };
}

/** A score this low opens a satisfaction task. */
export const LOW_SCORE_AT_MOST = 2;

/** The `satisfaction` task a low score opens (high severity), quoting the comment; null for 3 and up. */
export function satisfactionTaskOf(csat: CsatScore, channel: Channel): { severity: 'high'; reason: string } | null {
  if (csat.score > LOW_SCORE_AT_MOST) return null;
  const said = csat.comment ? `: "${csat.comment}"` : ', with no comment';
  return {
    severity: 'high',
    reason: `Rated ${csat.score} of 5 against what they expected (1 is far below), on ${channel}${said}. Find out what fell short and put it right.`,
  };
}

/** The survey's text in a language, falling back to English. */
export function surveyTextOf(texts: Readonly<Record<string, string>>, language: string): string {
  return texts[language] ?? texts.en ?? DEFAULT_SURVEY_TEXTS.en;
}
