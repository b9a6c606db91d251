import type { LifecycleStage } from '../customers/customer.view';

/** How strong a purchase affinity must be to offer on it (CONTRACT.md, "Extension"). */
export interface AffinityThresholds {
  /** Customers who bought both, at least. */
  minCustomers: number;
  /** Of the customers who bought the first product, the share who also bought the other, at least. */
  minShare: number;
}

export const DEFAULT_AFFINITY_THRESHOLDS: AffinityThresholds = { minCustomers: 3, minShare: 0.2 };

/** No second extension task this soon after the last one. */
export const EXTENSION_PAUSE_DAYS = 30;
/** A score below this within this many days means the customer is not in the mood for an offer. */
export const EXTENSION_MIN_CSAT = 4;
export const EXTENSION_CSAT_DAYS = 90;

/** The strongest affinity towards a product the customer has not bought, from the scan's figures. */
export interface Affinity {
  /** What the customer bought. */
  from: string;
  /** What to offer. */
  product: string;
  /** Customers who bought `from`. */
  buyers: number;
  /** Of those, customers who also bought `product`. */
  alsoBought: number;
}

/** What the extension table reads about one customer at the scan. */
export interface ExtensionFacts {
  stage: LifecycleStage;
  hasPurchase: boolean;
  openAttritionTask: boolean;
  openSatisfactionTask: boolean;
  openExtensionTask: boolean;
  lastExtensionAt: Date | null;
  /** The lowest satisfaction score in the last 90 days, null without one. */
  lowestCsat90d: number | null;
  affinity: Affinity | null;
}

export interface ExtensionRule {
  id: string;
  /** Holds when the customer gets no offer. */
  when: (facts: ExtensionFacts, now: Date) => boolean;
  then: 'no_offer';
  reason: (facts: ExtensionFacts) => string;
}

const DAY = 86_400_000;
const KEPT: readonly LifecycleStage[] = ['retained', 'reacquired'];

/**
 * Cross-sell and up-sell to kept customers, as data: each row is a reason not to make an offer,
 * asked in order; a customer none of them stops gets an `extension` task on its affinity.
 */
export const EXTENSION_RULES: readonly ExtensionRule[] = [
  {
    id: 'not_kept',
    when: (f) => !KEPT.includes(f.stage),
    then: 'no_offer',
    reason: (f) => `Offers go to kept customers (retained or re-acquired); this one is ${f.stage}.`,
  },
  { id: 'no_purchase', when: (f) => !f.hasPurchase, then: 'no_offer', reason: () => 'The customer has bought nothing yet.' },
  {
    id: 'attrition_open',
    when: (f) => f.openAttritionTask,
    then: 'no_offer',
    reason: () => 'An attrition task is open: keep the customer before selling more.',
  },
  {
    id: 'satisfaction_open',
    when: (f) => f.openSatisfactionTask,
    then: 'no_offer',
    reason: () => 'A satisfaction problem is open: put it right first.',
  },
  {
    id: 'low_csat',
    when: (f) => f.lowestCsat90d !== null && f.lowestCsat90d < EXTENSION_MIN_CSAT,
    then: 'no_offer',
    reason: (f) => `The customer rated us ${f.lowestCsat90d} of 5 in the last ${EXTENSION_CSAT_DAYS} days.`,
  },
  {
    id: 'extension_open',
    when: (f) => f.openExtensionTask,
    then: 'no_offer',
    reason: () => 'An extension task is already open.',
  },
  {
    id: 'extension_recent',
    when: (f, now) => f.lastExtensionAt !== null && now.getTime() - f.lastExtensionAt.getTime() < EXTENSION_PAUSE_DAYS * DAY,
    then: 'no_offer',
    reason: (f) =>
      `The last offer was made on ${f.lastExtensionAt!.toISOString().slice(0, 10)}: at most one in ${EXTENSION_PAUSE_DAYS} days.`,
  },
  {
    id: 'no_affinity',
    when: (f) => f.affinity === null,
    then: 'no_offer',
    reason: () => 'No product the customer lacks is bought often enough by those who bought what it bought.',
  },
];

export interface ExtensionOffer {
  offer: { product: string; basis: string };
  reason: string;
}

export type ExtensionDecision = { offer: ExtensionOffer } | { offer: null; rule: string; reason: string };

/** The offer for a customer, or the first rule that stops it. */
export function decideExtension(facts: ExtensionFacts, now: Date): ExtensionDecision {
  const rule = EXTENSION_RULES.find((r) => r.when(facts, now));
  if (rule) return { offer: null, rule: rule.id, reason: rule.reason(facts) };
  const { from, product, buyers, alsoBought } = facts.affinity!;
  const basis = `${alsoBought} of ${buyers} customers who bought ${from} also bought ${product}`;
  return {
    offer: {
      offer: { product, basis },
      reason: `Offer ${product}: ${basis}. The customer is ${facts.stage === 'reacquired' ? 're-acquired' : 'retained'}, with no attrition sign and no unhappy score in ${EXTENSION_CSAT_DAYS} days.`,
    },
  };
}
