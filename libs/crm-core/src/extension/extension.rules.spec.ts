import { decideExtension, type ExtensionFacts } from './extension.rules';

const NOW = new Date('2026-06-30T12:00:00Z');
const DAY = 86_400_000;
const kept: ExtensionFacts = {
  stage: 'retained',
  hasPurchase: true,
  openAttritionTask: false,
  openSatisfactionTask: false,
  openExtensionTask: false,
  lastExtensionAt: null,
  lowestCsat90d: null,
  affinity: { from: 'Router X', product: 'Mesh Extender', buyers: 12, alsoBought: 7 },
};

describe('extension eligibility (pinned clock)', () => {
  it('a retained customer with an affinity gets the offer, with its basis', () => {
    expect(decideExtension(kept, NOW)).toEqual({
      offer: {
        offer: { product: 'Mesh Extender', basis: '7 of 12 customers who bought Router X also bought Mesh Extender' },
        reason:
          'Offer Mesh Extender: 7 of 12 customers who bought Router X also bought Mesh Extender. The customer is retained, with no attrition sign and no unhappy score in 90 days.',
      },
    });
  });
  it('so does a re-acquired one', () => {
    expect(decideExtension({ ...kept, stage: 'reacquired' }, NOW).offer).not.toBeNull();
  });
  it.each<[string, Partial<ExtensionFacts>]>([
    ['not_kept', { stage: 'at_risk' }],
    ['not_kept', { stage: 'acquisition' }],
    ['not_kept', { stage: 'defected' }],
    ['no_purchase', { hasPurchase: false }],
    ['attrition_open', { openAttritionTask: true }],
    ['satisfaction_open', { openSatisfactionTask: true }],
    ['low_csat', { lowestCsat90d: 3 }],
    ['extension_open', { openExtensionTask: true }],
    ['extension_recent', { lastExtensionAt: new Date(NOW.getTime() - 29 * DAY) }],
    ['no_affinity', { affinity: null }],
  ])('no offer: %s', (rule, facts) => {
    expect(decideExtension({ ...kept, ...facts }, NOW)).toMatchObject({ offer: null, rule });
  });
  it('a score of 4 in 90 days does not stop it, nor an offer made 30 days ago', () => {
    expect(decideExtension({ ...kept, lowestCsat90d: 4, lastExtensionAt: new Date(NOW.getTime() - 30 * DAY) }, NOW).offer).not.toBeNull();
  });
  it('says why in the agent’s words', () => {
    expect(decideExtension({ ...kept, lowestCsat90d: 2 }, NOW)).toMatchObject({
      reason: 'The customer rated us 2 of 5 in the last 90 days.',
    });
  });
});
