const CHANNEL_NAMES: Record<string, string> = { email: 'Email', sms: 'SMS', chat: 'Chat', phone: 'Phone' };

export const channelName = (channel: string) => CHANNEL_NAMES[channel] ?? channel;

/** `at_risk` → `at risk`: the contract's values, readable. */
export const words = (value: string) => value.replace(/_/g, ' ');

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

export function shortTime(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return sameDay(date, new Date())
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

export const fullTime = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}
