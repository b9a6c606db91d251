import { io, type Socket } from 'socket.io-client';
import { waitFor } from '../../support/wait-for';

export interface Session {
  visitorId: string;
  visitorToken: string;
}

export type Ack = { ok: true; id?: string; customerId?: string } | { ok: false; error: string };

export interface ChatMessage {
  id: string;
  text: string;
  from: 'visitor' | 'agent';
  agentName: string | null;
  createdAt: string;
}

/** One browser tab of a website visitor on `/chat`, collecting what the server sends it. */
export class ChatVisitor {
  readonly socket: Socket;
  readonly events: Array<{ name: string; payload: Record<string, unknown> }> = [];

  constructor(base: string, visitorToken?: string) {
    this.socket = io(`${base}/chat`, {
      auth: visitorToken === undefined ? {} : { visitorToken },
      transports: ['websocket'],
      reconnection: false,
    });
    this.socket.onAny((name: string, payload: Record<string, unknown>) => this.events.push({ name, payload }));
  }

  /** Connected, with the session and history the server sends first. */
  static async open(base: string, visitorToken?: string): Promise<ChatVisitor> {
    const visitor = new ChatVisitor(base, visitorToken);
    const refused = new Promise<never>((_, reject) => visitor.socket.once('connect_error', reject));
    try {
      await Promise.race([visitor.received('history'), refused]);
    } catch (error) {
      visitor.close();
      throw error;
    }
    return visitor;
  }

  get session(): Session {
    return this.named('session')[0] as unknown as Session;
  }

  get history(): ChatMessage[] {
    return (this.named('history')[0] as { messages: ChatMessage[] }).messages;
  }

  named(name: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }

  received(name: string, count = 1): Promise<Record<string, unknown>[]> {
    return waitFor(`${count} ${name} event(s) on /chat`, () => {
      const found = this.named(name);
      return found.length >= count ? found : undefined;
    });
  }

  request(event: 'message' | 'identify', payload: unknown): Promise<Ack> {
    return this.socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack>;
  }

  send(text: string, clientMessageId: string): Promise<Ack> {
    return this.request('message', { text, clientMessageId });
  }

  close(): void {
    this.socket.close();
  }
}

/** A connection the server refuses: the `connect_error` message. */
export function refusal(base: string, visitorToken?: string): Promise<string | null> {
  const socket = io(`${base}/chat`, { auth: { visitorToken }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve(null);
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}
