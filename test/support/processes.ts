import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..');
export const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');
export const WORKER_MAIN = join(ROOT, 'dist/apps/worker/src/main.js');

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One built app running as its own process, as `npm run start:api|worker` runs it. */
export class HubProcess {
  private child?: ChildProcess;
  private output = '';
  private exited?: Promise<ProcessExit>;

  constructor(
    readonly name: string,
    private readonly main: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [this.main], {
      env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      await waitFor(`${this.name} to be ready`, async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.output}`);
        const response = await fetch(`${this.url}/health/ready`);
        return response.status === 200;
      });
    } catch (error) {
      throw new Error(`${String(error)}\n--- ${this.name} output ---\n${this.output}`);
    }
  }

  /**
   * SIGTERM for a graceful stop, SIGKILL to simulate a crash; a process still running `graceMs`
   * after the signal is killed (and its exit then shows SIGKILL).
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<ProcessExit | undefined> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return undefined;
    this.child.kill(signal);
    const killLater = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(killLater);
    return exit;
  }
}
