import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';
import { waitFor } from './wait-for';

/** What production runs (docs/operations.md): every write in the append-only file within a second. */
export const DURABLE_REDIS = ['--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'];

/**
 * A redis-server of one test's own, on a free loopback port with its files in a temporary
 * directory: to crash and restart it, to run it with settings the shared test Redis lacks, or
 * because the shared one has only 16 databases. Never the shared server.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly args: string[],
  ) {}

  /** `args`: redis-server options on top of a loopback-only server (durable by default). */
  static async start(args: string[] = DURABLE_REDIS): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), await mkdtemp(join(tmpdir(), 'omnihub-redis-')), args);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Started and not (yet) stopped or crashed. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** Starts (or starts again, on the same port and files) and waits until it has loaded its data. */
  async start(): Promise<void> {
    this.output = '';
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, ...this.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitFor(`redis-server on ${this.port} to answer PING`, () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${this.output}`);
      return ping(this.port);
    });
  }

  /** SIGTERM: Redis' own orderly shutdown; SIGKILL: a crash, nothing flushed at exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** True once the server answers PING with PONG (not while it is still loading its file). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      resolve(false);
      socket.destroy();
    });
  });
}
