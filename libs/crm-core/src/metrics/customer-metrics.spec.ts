import { computeCustomerMetrics, type ActivityBucket } from './customer-metrics';

const now = new Date('2026-06-30T12:00:00Z');
const bucket = (day: string, count: number, extra: Partial<ActivityBucket> = {}): ActivityBucket => ({
  day,
  channel: 'sms',
  count,
  complaints: 0,
  enquiries: 0,
  ...extra,
});

describe('computeCustomerMetrics', () => {
  it('counts windows that include today', () => {
    const metrics = computeCustomerMetrics(
      [bucket('2026-06-30', 2), bucket('2026-06-24', 1), bucket('2026-06-23', 4, { channel: 'phone' }), bucket('2026-04-10', 3)],
      [],
      now,
    );
    expect(metrics.interactions7d).toBe(3);
    expect(metrics.interactions30d).toBe(7);
    expect(metrics.interactions90d).toBe(10);
    expect(metrics.byChannel30d).toEqual({ email: 0, sms: 3, chat: 0, phone: 4 });
  });

  it('counts complaints and enquiries of the last 30 days only', () => {
    const metrics = computeCustomerMetrics(
      [bucket('2026-06-29', 3, { complaints: 2, enquiries: 1 }), bucket('2026-05-01', 5, { complaints: 5 })],
      [],
      now,
    );
    expect(metrics.complaints30d).toBe(2);
    expect(metrics.enquiries30d).toBe(1);
  });

  it('averages the gaps between interactions and reports the latest', () => {
    const times = ['2026-06-01T00:00:00Z', '2026-06-04T00:00:00Z', '2026-06-10T00:00:00Z'].map((t) => new Date(t));
    const metrics = computeCustomerMetrics([], times.reverse(), now);
    expect(metrics.avgGapDays).toBe(4.5);
    expect(metrics.lastInteractionAt).toBe('2026-06-10T00:00:00.000Z');
  });

  it('has no gap or trend without enough history', () => {
    const metrics = computeCustomerMetrics([bucket('2026-06-30', 1)], [new Date('2026-06-30T10:00:00Z')], now);
    expect(metrics.avgGapDays).toBeNull();
    expect(metrics.frequencyTrend).toBeNull();
  });

  it('compares the last 30 days with the mean of the 150 days before', () => {
    // 20 interactions over the 150 days before: a mean of 4 per 30 days; 2 in the last 30.
    const metrics = computeCustomerMetrics([bucket('2026-06-20', 2), bucket('2026-03-01', 20)], [], now);
    expect(metrics.frequencyTrend).toBe(0.5);
  });
});
