import type { Intent } from '@omnihub/channels';
import type { TaskSeverity } from './task.view';

export const ATTRITION_SIGNS = ['contact_frequency', 'complaints', 'enquiries', 'silence', 'business_volume', 'active_buyers'] as const;
export type AttritionSign = (typeof ATTRITION_SIGNS)[number];

/**
 * What the rules know about one customer at one moment, read from the daily activity buckets,
 * the interactions around the last one, business events and the customer's account. Windows of
 * N days end at the evaluation's clock.
 */
export interface AttritionFacts {
  interactions30d: number;
  /** Messages and calls in the 150 days before the last 30. */
  interactionsPrior150d: number;
  complaints30d: number;
  /** Complaints in the 30 days before the last 30. */
  complaintsPrior30d: number;
  enquiries30d: number;
  enquiriesPrior150d: number;
  lastInteractionAt: Date | null;
  /** Messages and calls in the 180 days up to and including the last one, and the first of them. */
  interactionsToLast180d: number;
  firstToLast180dAt: Date | null;
  /** Purchase and renewal amounts over the last 90 days and the 90 before. */
  purchaseAmount90d: number;
  purchaseAmountPrior90d: number;
  /** Set only for the account customer that answers for its account's buyers. */
  account: { id: string; activeBuyers90d: number; activeBuyersPrior90d: number } | null;
}

/** The contract's defaults; each is configurable. */
export const DEFAULT_ATTRITION_THRESHOLDS = {
  contactFrequency: { maxTrend: 0.5, minBaselinePerMonth: 2 },
  complaints: { min30d: 3, minRatioToPrior: 2 },
  enquiries: { maxRatioToBaseline: 0.5, minBaselinePerMonth: 2 },
  silence: { minDays: 30, usualGapMultiple: 3, minInteractions: 4 },
  businessVolume: { maxRatioToPrior: 0.5 },
  activeBuyers: { maxRatioToPrior: 0.5, minPrior: 2 },
};
export type AttritionThresholds = typeof DEFAULT_ATTRITION_THRESHOLDS;

/**
 * `ingest`: new data can reveal the sign, so it is checked as each item is stored; `scan`: only
 * the passing of time reveals it, so the scheduled scan checks it.
 */
export type RevealedBy = 'ingest' | 'scan';

export interface AttritionRule {
  id: AttritionSign;
  revealedBy: RevealedBy;
  /** For an `ingest` sign: the new items that can reveal it (any other leaves it as it was). */
  revealedByItem?: (item: { intent: Intent | null }) => boolean;
  when: (facts: AttritionFacts, t: AttritionThresholds, now: Date) => boolean;
  /** How much this sign alone weighs in the task's severity. */
  then: { severity: TaskSeverity };
  reason: (facts: AttritionFacts, now: Date) => string;
}

const DAY_MS = 86_400_000;
const perMonth = (prior150d: number) => prior150d / 5;
const daysSince = (at: Date, now: Date) => Math.floor((now.getTime() - at.getTime()) / DAY_MS);
const usualGapDays = (f: AttritionFacts) =>
  f.lastInteractionAt && f.firstToLast180dAt && f.interactionsToLast180d > 1
    ? (f.lastInteractionAt.getTime() - f.firstToLast180dAt.getTime()) / DAY_MS / (f.interactionsToLast180d - 1)
    : null;

/** The attrition signs, each against the customer's own history; first row first in a reason. */
export const ATTRITION_RULES: readonly AttritionRule[] = [
  {
    id: 'complaints',
    revealedBy: 'ingest',
    revealedByItem: (item) => item.intent === 'complaint',
    when: (f, t) => f.complaints30d >= t.complaints.min30d && f.complaints30d >= t.complaints.minRatioToPrior * f.complaintsPrior30d,
    then: { severity: 'medium' },
    reason: (f) =>
      `${count(f.complaints30d, 'complaint')} in the last 30 days, against ${amount(f.complaintsPrior30d)} in the 30 days before.`,
  },
  {
    id: 'contact_frequency',
    revealedBy: 'scan',
    when: (f, t) => {
      const baseline = perMonth(f.interactionsPrior150d);
      return baseline >= t.contactFrequency.minBaselinePerMonth && f.interactions30d / baseline < t.contactFrequency.maxTrend;
    },
    then: { severity: 'low' },
    reason: (f) =>
      `Contacts fell from ${amount(perMonth(f.interactionsPrior150d))} a month to ${amount(f.interactions30d)} in the last 30 days.`,
  },
  {
    id: 'enquiries',
    revealedBy: 'scan',
    when: (f, t) => {
      const baseline = perMonth(f.enquiriesPrior150d);
      return baseline >= t.enquiries.minBaselinePerMonth && f.enquiries30d < t.enquiries.maxRatioToBaseline * baseline;
    },
    then: { severity: 'low' },
    reason: (f) =>
      `Enquiries fell from ${amount(perMonth(f.enquiriesPrior150d))} a month to ${amount(f.enquiries30d)} in the last 30 days.`,
  },
  {
    id: 'silence',
    revealedBy: 'scan',
    when: (f, t, now) => {
      const gap = usualGapDays(f);
      if (!f.lastInteractionAt || gap === null || f.interactionsToLast180d < t.silence.minInteractions) return false;
      return (now.getTime() - f.lastInteractionAt.getTime()) / DAY_MS > Math.max(t.silence.minDays, t.silence.usualGapMultiple * gap);
    },
    then: { severity: 'low' },
    reason: (f, now) =>
      `No contact for ${daysSince(f.lastInteractionAt!, now)} days; before that, ${f.interactionsToLast180d} contacts in 180 days, ` +
      `one every ${amount(usualGapDays(f)!)} days.`,
  },
  {
    id: 'business_volume',
    revealedBy: 'scan',
    when: (f, t) => f.purchaseAmountPrior90d > 0 && f.purchaseAmount90d < t.businessVolume.maxRatioToPrior * f.purchaseAmountPrior90d,
    then: { severity: 'low' },
    reason: (f) =>
      `Purchases and renewals fell from ${amount(f.purchaseAmountPrior90d)} in the 90 days before to ${amount(f.purchaseAmount90d)} in the last 90 days.`,
  },
  {
    id: 'active_buyers',
    revealedBy: 'scan',
    when: (f, t) =>
      f.account !== null &&
      f.account.activeBuyersPrior90d >= t.activeBuyers.minPrior &&
      f.account.activeBuyers90d < t.activeBuyers.maxRatioToPrior * f.account.activeBuyersPrior90d,
    then: { severity: 'low' },
    reason: (f) =>
      `Buyers at this account fell from ${amount(f.account!.activeBuyersPrior90d)} in the 90 days before to ${amount(f.account!.activeBuyers90d)} in the last 90 days.`,
  },
];

export interface SignFinding {
  sign: AttritionSign;
  reason: string;
}

/**
 * The signs that hold, in table order. At ingest only the rules new data can reveal are asked;
 * the scan asks them all.
 */
export function findAttritionSigns(
  facts: AttritionFacts,
  now: Date,
  phase: RevealedBy,
  thresholds: AttritionThresholds = DEFAULT_ATTRITION_THRESHOLDS,
): SignFinding[] {
  return ATTRITION_RULES.filter((rule) => (phase === 'scan' || rule.revealedBy === 'ingest') && rule.when(facts, thresholds, now)).map(
    (rule) => ({ sign: rule.id, reason: rule.reason(facts, now) }),
  );
}

/** Whether a new item with this intent can reveal a sign at ingest: most items cannot. */
export function itemCanRevealSign(item: { intent: Intent | null }): boolean {
  return ATTRITION_RULES.some((rule) => rule.revealedBy === 'ingest' && (rule.revealedByItem?.(item) ?? true));
}

/** `low` for one sign, `medium` for two or for `complaints`, `high` for three or more. */
export function severityOf(signs: readonly AttritionSign[]): TaskSeverity {
  if (signs.length >= 3) return 'high';
  if (signs.length === 2) return 'medium';
  return ATTRITION_RULES.find((rule) => rule.id === signs[0])?.then.severity ?? 'low';
}

export interface AttritionTaskState {
  signs: AttritionSign[];
  reason: string;
}

/**
 * The open attrition task after this evaluation: a new one, the open one with new signs added
 * (their sentences appended), or null when nothing changes. Signs stay on an open task once
 * seen: the task records what the agent is asked to act on.
 */
export function nextAttritionTask(open: AttritionTaskState | null, findings: readonly SignFinding[]): AttritionTaskState | null {
  const fresh = findings.filter((finding) => !open?.signs.includes(finding.sign));
  if (!fresh.length) return null;
  const signs = [...(open?.signs ?? []), ...fresh.map((finding) => finding.sign)];
  const reason = [...(open ? [open.reason] : []), ...fresh.map((finding) => finding.reason)].join(' ');
  return { signs: ATTRITION_SIGNS.filter((sign) => signs.includes(sign)), reason };
}

function amount(n: number): string {
  if (n === 0) return 'none';
  return String(Math.round(n * 10) / 10);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
