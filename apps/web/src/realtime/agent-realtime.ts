import { io, type Socket } from 'socket.io-client';
import type { AgentEventMap, AgentEventName } from '../api/contract';

type ServerEvents = { [K in AgentEventName]: (payload: AgentEventMap[K]) => void };
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';
type Handler<K extends AgentEventName> = (payload: AgentEventMap[K]) => void;

/**
 * The agent's one `/agents` socket. socket.io reconnects by itself; when the server recovers the
 * session (a short drop) the missed events simply arrive, in order. When it cannot (a longer drop,
 * or the session expired), every view is told to refetch: its state may have missed changes.
 */
export class AgentRealtime {
  private readonly socket: Socket<ServerEvents>;
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private connectedOnce = false;
  status: ConnectionStatus = 'connecting';

  constructor(token: string, onUnauthorized: () => void) {
    this.socket = io('/agents', { auth: { token }, transports: ['websocket'], reconnectionDelayMax: 2000, autoConnect: false });
    this.socket.on('connect', () => {
      if (this.connectedOnce && !this.socket.recovered) for (const listener of this.resyncListeners) listener();
      this.connectedOnce = true;
      this.setStatus('live');
    });
    this.socket.on('disconnect', () => this.setStatus('reconnecting'));
    this.socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') onUnauthorized();
      else this.setStatus(this.connectedOnce ? 'reconnecting' : 'connecting');
    });
    this.socket.onAny((name: string, payload: unknown) => {
      for (const handler of this.handlers.get(name) ?? []) handler(payload);
    });
  }

  on<K extends AgentEventName>(name: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    const untyped = handler as (payload: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  connect(): void {
    this.socket.connect();
  }

  close(): void {
    this.socket.close();
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
