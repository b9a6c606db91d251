/** Where outage lines go: a Nest `Logger` in the apps (one pino line each), a fake in tests. */
export interface OutageLogger {
  error(line: Record<string, unknown>): void;
  warn(line: Record<string, unknown>): void;
}

export type Dependency = 'redis' | 'postgres';

/**
 * One process's view of a dependency it reaches through several connections (BullMQ's, the
 * producer's, socket.io's; the pool's). Every connection reports its failures and reconnects here;
 * the log gets one line when the first connection fails and one when the last failing one is back,
 * however many retries fail in between.
 */
export class DependencyOutage {
  private readonly failing = new Set<object>();
  private since = 0;

  constructor(
    readonly dependency: Dependency,
    private readonly logger: OutageLogger,
    private readonly now: () => number = Date.now,
  ) {}

  get down(): boolean {
    return this.failing.size > 0;
  }

  failed(connection: object, error: unknown): void {
    if (this.failing.has(connection)) return;
    if (!this.down) {
      this.since = this.now();
      this.logger.error({ dependency: this.dependency, outage: 'down', error: describe(error), msg: `${this.dependency} is unreachable` });
    }
    this.failing.add(connection);
  }

  connected(connection: object): void {
    if (!this.failing.delete(connection) || this.down) return;
    const downForSeconds = Math.round((this.now() - this.since) / 100) / 10;
    // At warn, not info: whoever sees the outage line (LOG_LEVEL=warn) must also see its end.
    this.logger.warn({ dependency: this.dependency, outage: 'recovered', downForSeconds, msg: `${this.dependency} is reachable again` });
  }

  /** A connection closed on purpose (shutdown) is no longer waited for. */
  closed(connection: object): void {
    this.failing.delete(connection);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
