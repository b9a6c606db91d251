import { Client, type ClientConfig } from 'pg';
import type { DependencyOutage } from './dependency-outage';

/**
 * The server ended one session on purpose (it sat idle inside a transaction too long): that is
 * this process's bug, not an outage, and the query that left it open already failed loudly.
 */
const NOT_AN_OUTAGE = new Set(['25P03']);

/**
 * The pool's client class (pg-pool's `Client` option), reporting to the outage log: a failed
 * connect or a lost connection marks PostgreSQL down, the next connect that succeeds marks it back.
 * The pool is one connection to the log, whatever number of sockets it holds.
 */
export function observedClient(outage: DependencyOutage): typeof Client {
  const pool = {};
  const failed = (error: Error) => {
    if (!NOT_AN_OUTAGE.has((error as { code?: string }).code ?? '')) outage.failed(pool, error);
  };
  return class ObservedClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      this.on('error', failed);
    }

    override connect(): Promise<Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<Client> | void {
      if (!callback) {
        return super.connect().then(
          (client) => (outage.connected(pool), client),
          (error: Error) => {
            failed(error);
            throw error;
          },
        );
      }
      super.connect((error: Error) => {
        if (error) failed(error);
        else outage.connected(pool);
        callback(error);
      });
    }
  };
}
