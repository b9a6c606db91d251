export const DEFECTOR_TYPES = ['price', 'product', 'service', 'market', 'technological', 'organizational'] as const;
export type DefectorType = (typeof DEFECTOR_TYPES)[number];

/** A defection as the rules read it: its type is null until an agent finds it out. */
export interface DefectionFacts {
  type: DefectorType | null;
  note: string | null;
  occurredAt: Date;
}

export interface DefectionRule {
  id: DefectorType | 'unknown';
  when: (defection: DefectionFacts) => boolean;
  /** The approach that fits the defector type, in a few words. */
  then: { approach: string };
  /** The re-acquisition task's sentence, what an agent acts on. */
  reason: (defection: DefectionFacts) => string;
}

const day = (at: Date) => at.toISOString().slice(0, 10);
const said = ({ note }: DefectionFacts) => (note ? ` They said: "${note}".` : '');
const isType = (type: DefectorType) => (d: DefectionFacts) => d.type === type;

/**
 * Winning a defector back, as data: one row per defector type with the approach that fits it, and
 * one for a defection whose type nobody knows yet. The first row that holds gives the reason of
 * the customer's `reacquisition` task; recording the type later rewrites it.
 */
export const DEFECTION_RULES: readonly DefectionRule[] = [
  {
    id: 'price',
    when: isType('price'),
    then: { approach: 'an offer' },
    reason: (d) =>
      `Price defector: left on ${day(d.occurredAt)} for a cheaper offer.${said(d)} Win them back with an offer: a price or terms that beat what they left for.`,
  },
  {
    id: 'product',
    when: isType('product'),
    then: { approach: 'what is new' },
    reason: (d) =>
      `Product defector: left on ${day(d.occurredAt)} for a better product.${said(d)} Show them what is new: what the product does now that it did not then.`,
  },
  {
    id: 'service',
    when: isType('service'),
    then: { approach: 'an apology from a named agent' },
    reason: (d) =>
      `Service defector: left on ${day(d.occurredAt)} over poor service.${said(d)} Send an apology from a named agent who owns putting it right.`,
  },
  {
    id: 'market',
    when: isType('market'),
    then: { approach: 'a check-in' },
    reason: (d) =>
      `Market defector: left on ${day(d.occurredAt)} when their market changed (moved, closed, no longer needed it).${said(d)} Check in on how things stand now.`,
  },
  {
    id: 'technological',
    when: isType('technological'),
    then: { approach: 'the new version' },
    reason: (d) =>
      `Technological defector: left on ${day(d.occurredAt)} for another technology.${said(d)} Show them the new version and what it does now.`,
  },
  {
    id: 'organizational',
    when: isType('organizational'),
    then: { approach: 'a new contact person' },
    reason: (d) =>
      `Organizational defector: left on ${day(d.occurredAt)} after a change in their organisation.${said(d)} Find the new contact person and introduce yourself.`,
  },
  {
    id: 'unknown',
    when: (d) => d.type === null,
    then: { approach: 'find out the type' },
    reason: (d) =>
      `Defected on ${day(d.occurredAt)}; why is not known yet.${said(d)} Find out whether it was price, product, service, market, technological or organizational, and record it: the approach depends on it.`,
  },
];

export interface ReacquisitionPlan {
  rule: DefectionRule['id'];
  approach: string;
  reason: string;
  dueAt: Date;
}

/** The re-acquisition task for a defection: its reason, and when it falls due. */
export function planReacquisition(defection: DefectionFacts, waitDays: number): ReacquisitionPlan {
  const rule = DEFECTION_RULES.find((r) => r.when(defection))!;
  return {
    rule: rule.id,
    approach: rule.then.approach,
    reason: rule.reason(defection),
    dueAt: new Date(defection.occurredAt.getTime() + waitDays * 86_400_000),
  };
}

/** The outcome a re-acquisition task closes with when the customer comes back. */
export const REACQUIRED_OUTCOME = 're-acquired';
