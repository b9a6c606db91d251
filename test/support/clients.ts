import { io, type Socket } from 'socket.io-client';
import { ADMIN } from './hub';

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A JSON request as any HTTP client would send it. */
export async function request<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const hasBody = options.rawBody !== undefined || options.body !== undefined;
  const response = await fetch(`${base}${path}`, {
    method,
    // Like any HTTP client: a Content-Type only when there is a body.
    headers: { ...(hasBody && { 'content-type': 'application/json' }), ...options.headers },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function login(base: string, credentials = ADMIN): Promise<string> {
  const { status, body } = await request<{ accessToken: string }>(base, 'POST', '/api/auth/login', { body: credentials });
  if (status !== 200) throw new Error(`login failed with ${status}`);
  return body.accessToken;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function createPartner(base: string, adminToken: string, name = 'Test Call Centre'): Promise<{ id: string; apiKey: string }> {
  const { status, body } = await request<{ id: string; apiKey: string }>(base, 'POST', '/api/partners', {
    body: { name },
    headers: bearer(adminToken),
  });
  if (status !== 201) throw new Error(`partner creation failed with ${status}`);
  return body;
}

/** An agent's socket on `/agents`, collecting every event it receives in order. */
export class AgentSocket {
  readonly events: Array<{ name: string; payload: Record<string, unknown> }> = [];
  readonly socket: Socket;

  constructor(base: string, token: string, options: { reconnectionDelay?: number } = {}) {
    this.socket = io(`${base}/agents`, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: options.reconnectionDelay ?? 500,
      reconnectionDelayMax: options.reconnectionDelay ?? 500,
    });
    this.socket.onAny((name: string, payload: Record<string, unknown>) => this.events.push({ name, payload }));
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  named(name: string) {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }

  close(): void {
    this.socket.close();
  }
}

/** A valid call log, varied by `n`. */
export function callLog(n: number, overrides: Record<string, unknown> = {}) {
  return {
    externalId: `call-${n}`,
    direction: 'inbound',
    customerPhone: `+1555${String(n % 10_000_000).padStart(7, '0')}`,
    startedAt: new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + n * 1000).toISOString(),
    durationSeconds: 60 + (n % 300),
    outcome: 'answered',
    notes: `Call ${n}`,
    ...overrides,
  };
}
