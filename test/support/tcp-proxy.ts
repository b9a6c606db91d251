import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './processes';

/**
 * A loopback TCP proxy in front of a service (PostgreSQL, say), which a test can cut and
 * restore to make that service unreachable for one process while every other process still
 * reaches it directly. Cut: every open connection is reset and new ones are refused (nothing
 * listens on the port); restore: it listens again on the same port.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  /** Connections accepted since the proxy started; a reconnecting client shows up here. */
  accepted = 0;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  /** The same URL, through the proxy: `postgres://u@host:5432/db` → `postgres://u@127.0.0.1:<port>/db`. */
  proxied(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Resets every open connection, as a dropped network does, and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of [...this.pairs].flat()) if (!socket.destroyed) socket.resetAndDestroy();
    this.pairs.clear();
    await closed;
  }

  private pipe(client: Socket): void {
    this.accepted++;
    const upstream = createConnection(this.target);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
