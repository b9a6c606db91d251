import type { Channel, Direction, Intent } from '@omnihub/channels';
import { ACQUISITION_STEPS, type AcquisitionStep, type LifecycleStage } from '../customers/customer.view';
import type { DefectorType } from '../defection/defection.rules';
import type { SignFinding } from '../retention/attrition.rules';

export const BUSINESS_EVENT_TYPES = ['quote', 'order', 'purchase', 'renewal', 'cancellation'] as const;
export type BusinessEventType = (typeof BUSINESS_EVENT_TYPES)[number];

/** Where a customer stands; `acquisitionStep` null only for a customer not yet stored. */
export interface LifecycleState {
  stage: LifecycleStage;
  acquisitionStep: AcquisitionStep | null;
  /** While `at_risk`: the stage to return to when the signs are gone. */
  stageBeforeRisk: LifecycleStage | null;
}

/** What just happened to the customer. */
export type LifecycleSignal =
  | { kind: 'interaction'; channel: Channel; direction: Direction; intent: Intent | null; twoWay: boolean }
  | { kind: 'event'; type: BusinessEventType }
  /** An agent recorded why the customer left. */
  | { kind: 'defection'; type: DefectorType }
  /** The attrition signs that hold; `complete` when every sign was asked (the scan). */
  | { kind: 'signs'; findings: readonly SignFinding[]; complete: boolean };

export interface LifecycleRule {
  id: string;
  when: (signal: LifecycleSignal, state: LifecycleState) => boolean;
  then: { step: AcquisitionStep } | { stage: LifecycleStage | 'previous' };
  reason: (signal: LifecycleSignal, state: LifecycleState) => string;
}

/** The stage a customer counts as while at risk or not: at risk hides the stage it returns to. */
const underlying = (state: LifecycleState) => (state.stage === 'at_risk' ? (state.stageBeforeRisk ?? 'retained') : state.stage);
const isEvent = (signal: LifecycleSignal, ...types: BusinessEventType[]) => signal.kind === 'event' && types.includes(signal.type);
const signsOf = (signal: LifecycleSignal) => (signal.kind === 'signs' ? signal.findings : []);

/**
 * The lifecycle as data: acquisition steps (which only move forward) and stage moves. Every rule
 * that fires applies in table order; the reason is stored with the change.
 */
export const LIFECYCLE_RULES: readonly LifecycleRule[] = [
  {
    id: 'first_inbound_contact',
    when: (s) => s.kind === 'interaction' && s.direction === 'inbound',
    then: { step: 'enquiry' },
    reason: (s) => `First inbound contact, on ${s.kind === 'interaction' ? s.channel : ''}.`,
  },
  {
    id: 'two_way_contact',
    when: (s) => s.kind === 'interaction' && s.twoWay,
    then: { step: 'interaction' },
    reason: (s) =>
      `Two-way contact: ${s.kind === 'interaction' && s.direction === 'outbound' ? 'the hub wrote to the customer' : 'an answered call'}.`,
  },
  {
    id: 'purchase_intent',
    when: (s) => s.kind === 'interaction' && s.direction === 'inbound' && s.intent === 'purchase',
    then: { step: 'exchange' },
    reason: (s) => `The customer asked to buy, on ${s.kind === 'interaction' ? s.channel : ''}.`,
  },
  { id: 'quote', when: (s) => isEvent(s, 'quote'), then: { step: 'exchange' }, reason: () => 'A quote was made.' },
  { id: 'order', when: (s) => isEvent(s, 'order'), then: { step: 'coordination' }, reason: () => 'An order was placed.' },
  {
    id: 'first_purchase',
    when: (s) => isEvent(s, 'purchase'),
    then: { step: 'adoption' },
    reason: () => 'First purchase: the customer is won.',
  },
  {
    id: 'cancellation',
    when: (s, state) => isEvent(s, 'cancellation') && state.stage !== 'defected',
    then: { stage: 'defected' },
    reason: () => 'The customer cancelled.',
  },
  {
    id: 'defection_recorded',
    when: (s, state) => s.kind === 'defection' && state.stage !== 'defected',
    then: { stage: 'defected' },
    reason: (s) => `The customer defected (${s.kind === 'defection' ? s.type : ''}), as an agent recorded.`,
  },
  {
    id: 'reacquired',
    when: (s, state) => isEvent(s, 'purchase', 'renewal') && state.stage === 'defected',
    then: { stage: 'reacquired' },
    reason: (s) => `The customer came back with a ${s.kind === 'event' ? s.type : ''} after defecting.`,
  },
  {
    id: 'attrition_signs',
    when: (s, state) => signsOf(s).length > 0 && state.stage !== 'defected' && state.stage !== 'at_risk',
    then: { stage: 'at_risk' },
    reason: (s) =>
      `At risk: ${signsOf(s)
        .map((f) => f.reason)
        .join(' ')}`,
  },
  {
    id: 'signs_gone',
    when: (s, state) => s.kind === 'signs' && s.complete && s.findings.length === 0 && state.stage === 'at_risk',
    then: { stage: 'previous' },
    reason: () => 'No attrition sign holds any more.',
  },
];

export interface LifecycleChange {
  state: LifecycleState;
  /** The fired rules' reasons, in table order. */
  reason: string;
}

/**
 * The state after a signal, or null when nothing moves. Steps only move forward, and only while
 * the customer is (or, at risk, was) in acquisition; `adoption` makes the customer `retained`.
 */
export function evaluateLifecycle(state: LifecycleState, signal: LifecycleSignal): LifecycleChange | null {
  let next = { ...state };
  const reasons: string[] = [];
  for (const rule of LIFECYCLE_RULES) {
    if (!rule.when(signal, next)) continue;
    const moved = 'step' in rule.then ? advanceStep(next, rule.then.step) : moveStage(next, rule.then.stage);
    if (!moved) continue;
    next = moved;
    reasons.push(rule.reason(signal, state));
  }
  return reasons.length ? { state: next, reason: reasons.join(' ') } : null;
}

function advanceStep(state: LifecycleState, step: AcquisitionStep): LifecycleState | null {
  const current = state.acquisitionStep === null ? -1 : ACQUISITION_STEPS.indexOf(state.acquisitionStep);
  if (ACQUISITION_STEPS.indexOf(step) <= current || underlying(state) !== 'acquisition') return null;
  const won = step === 'adoption';
  if (state.stage === 'at_risk') return { ...state, acquisitionStep: step, stageBeforeRisk: won ? 'retained' : 'acquisition' };
  return { ...state, acquisitionStep: step, stage: won ? 'retained' : 'acquisition' };
}

function moveStage(state: LifecycleState, stage: LifecycleStage | 'previous'): LifecycleState | null {
  if (stage === 'previous') return { ...state, stage: underlying(state), stageBeforeRisk: null };
  if (stage === 'at_risk') return { ...state, stage, stageBeforeRisk: state.stage };
  return { ...state, stage, stageBeforeRisk: null };
}
