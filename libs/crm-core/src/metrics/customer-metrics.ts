import type { Channel } from '@omnihub/channels';

export interface ActivityBucket {
  day: string; // YYYY-MM-DD (UTC)
  channel: Channel;
  count: number;
  complaints: number;
  enquiries: number;
}

export interface CustomerMetrics {
  interactions7d: number;
  interactions30d: number;
  interactions90d: number;
  byChannel30d: Record<Channel, number>;
  complaints30d: number;
  enquiries30d: number;
  lastInteractionAt: string | null;
  avgGapDays: number | null;
  frequencyTrend: number | null;
}

const DAY_MS = 86_400_000;

/**
 * The contract's frequency metrics from daily activity buckets and the times of the customer's
 * messages and calls over the last 180 days (notes excluded by the caller). A window of N days
 * covers today and the N-1 days before it.
 */
export function computeCustomerMetrics(buckets: ActivityBucket[], recentTimes: Date[], now: Date): CustomerMetrics {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const ageInDays = (day: string) => Math.round((today - Date.parse(`${day}T00:00:00Z`)) / DAY_MS);
  const within = (days: number, from = 0) => buckets.filter((b) => ageInDays(b.day) >= from && ageInDays(b.day) < from + days);
  const sum = (list: ActivityBucket[], pick: (b: ActivityBucket) => number) => list.reduce((n, b) => n + pick(b), 0);

  const last30 = within(30);
  const byChannel30d: Record<Channel, number> = { email: 0, sms: 0, chat: 0, phone: 0 };
  for (const bucket of last30) byChannel30d[bucket.channel] += bucket.count;

  const sorted = [...recentTimes].sort((a, b) => a.getTime() - b.getTime());
  const gaps = sorted.slice(1).map((time, i) => (time.getTime() - sorted[i].getTime()) / DAY_MS);
  const avgGapDays = gaps.length ? round(gaps.reduce((a, b) => a + b, 0) / gaps.length) : null;

  // The mean 30-day count over the 150 days before the last 30, only with activity that old.
  const before = within(150, 30);
  const hasHistory = buckets.some((b) => ageInDays(b.day) >= 30);
  const baseline = sum(before, (b) => b.count) / 5;
  const interactions30d = sum(last30, (b) => b.count);
  const frequencyTrend = hasHistory && baseline > 0 ? round(interactions30d / baseline) : null;

  return {
    interactions7d: sum(within(7), (b) => b.count),
    interactions30d,
    interactions90d: sum(within(90), (b) => b.count),
    byChannel30d,
    complaints30d: sum(last30, (b) => b.complaints),
    enquiries30d: sum(last30, (b) => b.enquiries),
    lastInteractionAt: sorted.length ? sorted[sorted.length - 1].toISOString() : null,
    avgGapDays,
    frequencyTrend,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
