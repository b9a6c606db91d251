import type { Intent } from '@omnihub/channels';
import type { AcquisitionStep, LifecycleStage } from '../customers/customer.view';
import { evaluateLifecycle, type LifecycleSignal, type LifecycleState } from './lifecycle.rules';

const prospect = (acquisitionStep: AcquisitionStep | null): LifecycleState => ({
  stage: 'acquisition',
  acquisitionStep,
  stageBeforeRisk: null,
});
const customer = (stage: LifecycleStage, stageBeforeRisk: LifecycleStage | null = null): LifecycleState => ({
  stage,
  acquisitionStep: 'adoption',
  stageBeforeRisk,
});
const inbound = (intent: Intent = 'other'): LifecycleSignal => ({
  kind: 'interaction',
  channel: 'sms',
  direction: 'inbound',
  intent,
  twoWay: false,
});
const outbound: LifecycleSignal = { kind: 'interaction', channel: 'email', direction: 'outbound', intent: null, twoWay: true };
const answeredCall: LifecycleSignal = { kind: 'interaction', channel: 'phone', direction: 'inbound', intent: 'other', twoWay: true };
const event = (type: 'quote' | 'order' | 'purchase' | 'renewal' | 'cancellation'): LifecycleSignal => ({ kind: 'event', type });
const silence = { sign: 'silence' as const, reason: 'No contact for 40 days.' };
const signs = (findings: (typeof silence)[], complete = true): LifecycleSignal => ({ kind: 'signs', findings, complete });

describe('acquisition steps (only forward)', () => {
  it('enquiry: a new customer first contacts the hub', () => {
    expect(evaluateLifecycle(prospect(null), inbound())).toEqual({ state: prospect('enquiry'), reason: 'First inbound contact, on sms.' });
  });
  it('enquiry does not repeat for a later inbound message', () => {
    expect(evaluateLifecycle(prospect('enquiry'), inbound())).toBeNull();
  });

  it('interaction: the hub writes back', () => {
    expect(evaluateLifecycle(prospect('enquiry'), outbound)?.state).toEqual(prospect('interaction'));
  });
  it('interaction: an answered call', () => {
    expect(evaluateLifecycle(prospect('enquiry'), answeredCall)).toEqual({
      state: prospect('interaction'),
      reason: 'Two-way contact: an answered call.',
    });
  });
  it('interaction does not come from a one-way inbound message', () => {
    expect(evaluateLifecycle(prospect('enquiry'), inbound('enquiry'))).toBeNull();
  });

  it('exchange: a quote', () => {
    expect(evaluateLifecycle(prospect('interaction'), event('quote'))).toEqual({
      state: prospect('exchange'),
      reason: 'A quote was made.',
    });
  });
  it('exchange: an inbound message about buying', () => {
    expect(evaluateLifecycle(prospect('interaction'), inbound('purchase'))?.state).toEqual(prospect('exchange'));
  });
  it('exchange does not move a customer already coordinating back', () => {
    expect(evaluateLifecycle(prospect('coordination'), event('quote'))).toBeNull();
  });

  it('coordination: an order', () => {
    expect(evaluateLifecycle(prospect('exchange'), event('order'))?.state).toEqual(prospect('coordination'));
  });
  it('coordination does not come from a quote', () => {
    expect(evaluateLifecycle(prospect('exchange'), event('quote'))).toBeNull();
  });

  it('adoption: the first purchase makes the customer retained', () => {
    expect(evaluateLifecycle(prospect('coordination'), event('purchase'))).toEqual({
      state: customer('retained'),
      reason: 'First purchase: the customer is won.',
    });
  });
  it('adoption may skip steps', () => {
    expect(evaluateLifecycle(prospect('enquiry'), event('purchase'))?.state).toEqual(customer('retained'));
  });
  it('a later purchase by a retained customer changes nothing', () => {
    expect(evaluateLifecycle(customer('retained'), event('purchase'))).toBeNull();
  });
  it('an at-risk prospect that buys is won underneath the risk', () => {
    expect(
      evaluateLifecycle({ stage: 'at_risk', acquisitionStep: 'exchange', stageBeforeRisk: 'acquisition' }, event('purchase'))?.state,
    ).toEqual(customer('at_risk', 'retained'));
  });
});

describe('stage moves', () => {
  it('retained → at_risk when a sign holds, with its reason', () => {
    expect(evaluateLifecycle(customer('retained'), signs([silence]))).toEqual({
      state: customer('at_risk', 'retained'),
      reason: 'At risk: No contact for 40 days.',
    });
  });
  it('a prospect going quiet is at risk too', () => {
    expect(evaluateLifecycle(prospect('exchange'), signs([silence]))?.state).toEqual({
      stage: 'at_risk',
      acquisitionStep: 'exchange',
      stageBeforeRisk: 'acquisition',
    });
  });
  it('no move to at_risk without a sign', () => {
    expect(evaluateLifecycle(customer('retained'), signs([]))).toBeNull();
  });
  it('a defected customer does not become at risk', () => {
    expect(evaluateLifecycle(customer('defected'), signs([silence]))).toBeNull();
  });
  it('at_risk → the stage before when a scan finds no sign', () => {
    expect(evaluateLifecycle(customer('at_risk', 'reacquired'), signs([]))).toEqual({
      state: customer('reacquired'),
      reason: 'No attrition sign holds any more.',
    });
  });
  it('at_risk stays at risk when the ingest asked only some signs', () => {
    expect(evaluateLifecycle(customer('at_risk', 'retained'), signs([], false))).toBeNull();
  });
  it('at_risk stays at risk while a sign holds', () => {
    expect(evaluateLifecycle(customer('at_risk', 'retained'), signs([silence]))).toBeNull();
  });
  it('→ defected on a cancellation', () => {
    expect(evaluateLifecycle(customer('retained'), event('cancellation'))).toEqual({
      state: customer('defected'),
      reason: 'The customer cancelled.',
    });
  });
  it('defected → reacquired on a renewal', () => {
    expect(evaluateLifecycle(customer('defected'), event('renewal'))?.state).toEqual(customer('reacquired'));
  });
  it('a renewal by a retained customer moves nothing', () => {
    expect(evaluateLifecycle(customer('retained'), event('renewal'))).toBeNull();
  });
});
