import { findAttritionSigns, itemCanRevealSign, nextAttritionTask, severityOf, type AttritionFacts } from './attrition.rules';

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

/** A steady customer: about 4 contacts a month for six months, a purchase each quarter. */
const steady: AttritionFacts = {
  interactions30d: 4,
  interactionsPrior150d: 20,
  complaints30d: 0,
  complaintsPrior30d: 0,
  enquiries30d: 2,
  enquiriesPrior150d: 10,
  lastInteractionAt: daysAgo(3),
  interactionsToLast180d: 24,
  firstToLast180dAt: daysAgo(175),
  purchaseAmount90d: 500,
  purchaseAmountPrior90d: 500,
  account: null,
};
const scan = (facts: Partial<AttritionFacts>) => findAttritionSigns({ ...steady, ...facts }, now, 'scan');

describe('attrition signs (pinned clock)', () => {
  it('a steady customer shows no sign', () => {
    expect(scan({})).toEqual([]);
  });

  describe('contact_frequency', () => {
    it('fires when contacts fall below half the monthly baseline', () => {
      expect(scan({ interactions30d: 0 })).toEqual([
        { sign: 'contact_frequency', reason: 'Contacts fell from 4 a month to none in the last 30 days.' },
      ]);
    });
    it('does not fire at half the baseline', () => {
      expect(scan({ interactions30d: 2 })).toEqual([]);
    });
    it('does not fire with a baseline under 2 a month', () => {
      expect(scan({ interactions30d: 0, interactionsPrior150d: 9 })).toEqual([]);
    });
  });

  describe('complaints', () => {
    it('fires at 3 complaints, at least twice the 30 days before', () => {
      expect(scan({ complaints30d: 3, complaintsPrior30d: 1 })).toEqual([
        { sign: 'complaints', reason: '3 complaints in the last 30 days, against 1 in the 30 days before.' },
      ]);
    });
    it('does not fire when the 30 days before had more than half as many', () => {
      expect(scan({ complaints30d: 3, complaintsPrior30d: 2 })).toEqual([]);
    });
    it('does not fire under 3 complaints', () => {
      expect(scan({ complaints30d: 2 })).toEqual([]);
    });
    it('is checked at ingest, where the other signs are not', () => {
      const facts = { ...steady, complaints30d: 4, interactions30d: 0 };
      expect(findAttritionSigns(facts, now, 'ingest').map((f) => f.sign)).toEqual(['complaints']);
    });
  });

  describe('enquiries', () => {
    it('fires when enquiries fall below half the monthly mean', () => {
      expect(scan({ enquiries30d: 0 })).toEqual([
        { sign: 'enquiries', reason: 'Enquiries fell from 2 a month to none in the last 30 days.' },
      ]);
    });
    it('does not fire at half the mean', () => {
      expect(scan({ enquiries30d: 1 })).toEqual([]);
    });
    it('does not fire with a mean under 2 a month', () => {
      expect(scan({ enquiries30d: 0, enquiriesPrior150d: 5 })).toEqual([]);
    });
  });

  describe('silence', () => {
    const quiet = { interactionsToLast180d: 13, firstToLast180dAt: daysAgo(100 + 84), lastInteractionAt: daysAgo(100) };
    it('fires after more than 3 usual gaps and at least 30 days', () => {
      // 13 contacts over 84 days: one every 7 days; 100 days of silence.
      expect(scan({ ...quiet, interactions30d: 0, interactionsPrior150d: 0 })).toEqual([
        { sign: 'silence', reason: 'No contact for 100 days; before that, 13 contacts in 180 days, one every 7 days.' },
      ]);
    });
    it('does not fire within 30 days, however regular the customer', () => {
      expect(scan({ ...quiet, lastInteractionAt: daysAgo(29), firstToLast180dAt: daysAgo(29 + 12) })).toEqual([]);
    });
    it('does not fire within 3 usual gaps', () => {
      // one every 20 days; 50 days quiet is under 60
      expect(scan({ interactionsToLast180d: 5, firstToLast180dAt: daysAgo(50 + 80), lastInteractionAt: daysAgo(50) })).toEqual([]);
    });
    it('does not fire with fewer than 4 contacts before', () => {
      expect(scan({ interactionsToLast180d: 3, firstToLast180dAt: daysAgo(114), lastInteractionAt: daysAgo(100) })).toEqual([]);
    });
  });

  describe('business_volume', () => {
    it('fires when purchases fall below half the 90 days before', () => {
      expect(scan({ purchaseAmount90d: 200, purchaseAmountPrior90d: 1200 })).toEqual([
        { sign: 'business_volume', reason: 'Purchases and renewals fell from 1200 in the 90 days before to 200 in the last 90 days.' },
      ]);
    });
    it('does not fire at half', () => {
      expect(scan({ purchaseAmount90d: 600, purchaseAmountPrior90d: 1200 })).toEqual([]);
    });
    it('does not fire without purchases before', () => {
      expect(scan({ purchaseAmount90d: 0, purchaseAmountPrior90d: 0 })).toEqual([]);
    });
  });

  describe('active_buyers', () => {
    it('fires when fewer than half the account buyers of the 90 days before bought', () => {
      expect(scan({ account: { id: 'a', activeBuyers90d: 1, activeBuyersPrior90d: 4 } })).toEqual([
        { sign: 'active_buyers', reason: 'Buyers at this account fell from 4 in the 90 days before to 1 in the last 90 days.' },
      ]);
    });
    it('does not fire at half', () => {
      expect(scan({ account: { id: 'a', activeBuyers90d: 2, activeBuyersPrior90d: 4 } })).toEqual([]);
    });
    it('does not fire with fewer than 2 buyers before', () => {
      expect(scan({ account: { id: 'a', activeBuyers90d: 0, activeBuyersPrior90d: 1 } })).toEqual([]);
    });
  });
});

describe('the attrition task', () => {
  const complaints = { sign: 'complaints' as const, reason: 'Complaints.' };
  const silence = { sign: 'silence' as const, reason: 'Silence.' };
  const enquiries = { sign: 'enquiries' as const, reason: 'Enquiries.' };

  it('is low for one sign, medium for complaints or two, high for three', () => {
    expect(severityOf(['silence'])).toBe('low');
    expect(severityOf(['complaints'])).toBe('medium');
    expect(severityOf(['silence', 'enquiries'])).toBe('medium');
    expect(severityOf(['silence', 'enquiries', 'business_volume'])).toBe('high');
  });

  it('opens with every sign that holds', () => {
    expect(nextAttritionTask(null, [silence, complaints])).toEqual({ signs: ['complaints', 'silence'], reason: 'Silence. Complaints.' });
  });

  it('adds a new sign to the open task, appending its sentence', () => {
    expect(nextAttritionTask({ signs: ['silence'], reason: 'Silence.' }, [silence, enquiries])).toEqual({
      signs: ['enquiries', 'silence'],
      reason: 'Silence. Enquiries.',
    });
  });

  it('changes nothing when the open task already lists every sign', () => {
    expect(nextAttritionTask({ signs: ['silence'], reason: 'Silence.' }, [silence])).toBeNull();
  });

  it('opens nothing without a sign', () => {
    expect(nextAttritionTask(null, [])).toBeNull();
  });
});

describe('itemCanRevealSign', () => {
  it('is true for a complaint, which the complaints sign counts, and false for any other intent', () => {
    expect(itemCanRevealSign({ intent: 'complaint' })).toBe(true);
    for (const intent of ['enquiry', 'purchase', 'other', null] as const) expect(itemCanRevealSign({ intent })).toBe(false);
  });
});
