import { evaluateLifecycle, type LifecycleState } from '../lifecycle/lifecycle.rules';
import { DEFECTOR_TYPES, planReacquisition, type DefectionFacts, type DefectorType } from './defection.rules';

const LEFT = new Date('2026-06-01T09:30:00Z');
const defection = (type: DefectorType | null, note: string | null = null): DefectionFacts => ({ type, note, occurredAt: LEFT });
const retained: LifecycleState = { stage: 'retained', acquisitionStep: 'adoption', stageBeforeRisk: null };
const defected: LifecycleState = { stage: 'defected', acquisitionStep: 'adoption', stageBeforeRisk: null };

describe('the re-acquisition task of each defector type', () => {
  it.each<[DefectorType, RegExp]>([
    ['price', /^Price defector: left on 2026-06-01 .* Win them back with an offer/],
    ['product', /^Product defector: left on 2026-06-01 .* Show them what is new/],
    ['service', /^Service defector: left on 2026-06-01 .* Send an apology from a named agent/],
    ['market', /^Market defector: left on 2026-06-01 .* Check in on how things stand now/],
    ['technological', /^Technological defector: left on 2026-06-01 .* Show them the new version/],
    ['organizational', /^Organizational defector: left on 2026-06-01 .* Find the new contact person/],
  ])('%s: the reason names the approach that fits it', (type, reason) => {
    const plan = planReacquisition(defection(type), 30);
    expect(plan.rule).toBe(type);
    expect(plan.reason).toMatch(reason);
  });

  it('every type has a row of its own', () => {
    expect(new Set(DEFECTOR_TYPES.map((type) => planReacquisition(defection(type), 30).approach)).size).toBe(DEFECTOR_TYPES.length);
  });

  it('quotes what the customer said', () => {
    expect(planReacquisition(defection('price', 'found it 20% cheaper'), 30).reason).toContain('They said: "found it 20% cheaper".');
  });

  it('unknown type: the agent is asked to find it out', () => {
    const plan = planReacquisition(defection(null), 30);
    expect(plan).toMatchObject({ rule: 'unknown', approach: 'find out the type' });
    expect(plan.reason).toBe(
      'Defected on 2026-06-01; why is not known yet. Find out whether it was price, product, service, market, technological or organizational, and record it: the approach depends on it.',
    );
  });

  it('falls due REACQUISITION_WAIT_DAYS after the defection', () => {
    expect(planReacquisition(defection('service'), 30).dueAt.toISOString()).toBe('2026-07-01T09:30:00.000Z');
    expect(planReacquisition(defection(null), 7).dueAt.toISOString()).toBe('2026-06-08T09:30:00.000Z');
  });
});

describe('defection and re-acquisition in the lifecycle', () => {
  it('an agent recording a defection makes the customer defected', () => {
    expect(evaluateLifecycle(retained, { kind: 'defection', type: 'price' })).toEqual({
      state: defected,
      reason: 'The customer defected (price), as an agent recorded.',
    });
  });
  it('recording the type of a customer already defected moves nothing', () => {
    expect(evaluateLifecycle(defected, { kind: 'defection', type: 'market' })).toBeNull();
  });
  it('a purchase after the defection re-acquires the customer', () => {
    expect(evaluateLifecycle(defected, { kind: 'event', type: 'purchase' })).toEqual({
      state: { ...defected, stage: 'reacquired' },
      reason: 'The customer came back with a purchase after defecting.',
    });
  });
  it('so does a renewal', () => {
    expect(evaluateLifecycle(defected, { kind: 'event', type: 'renewal' })?.state.stage).toBe('reacquired');
  });
  it('a purchase by a customer who never left is no re-acquisition', () => {
    expect(evaluateLifecycle(retained, { kind: 'event', type: 'purchase' })).toBeNull();
  });
});
