import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { AgentEventMap, AgentEventName } from '../api/contract';
import type { AgentRealtime, ConnectionStatus } from './agent-realtime';

export const RealtimeContext = createContext<AgentRealtime | null>(null);

function useRealtime(): AgentRealtime {
  const realtime = useContext(RealtimeContext);
  if (!realtime) throw new Error('useRealtime outside the logged-in app');
  return realtime;
}

/** Calls the latest `handler` for every `name` event while the component is mounted. */
export function useAgentEvent<K extends AgentEventName>(name: K, handler: (payload: AgentEventMap[K]) => void): void {
  const realtime = useRealtime();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => realtime.on(name, (payload) => latest.current(payload)), [realtime, name]);
}

export function useConnectionStatus(): ConnectionStatus {
  const realtime = useRealtime();
  const [status, setStatus] = useState(realtime.status);
  useEffect(() => realtime.onStatus(setStatus), [realtime]);
  return status;
}

/** A number that grows each time the socket came back without recovering: put it in a fetch's deps. */
export function useResyncKey(): number {
  const realtime = useRealtime();
  const [key, setKey] = useState(0);
  useEffect(() => realtime.onResync(() => setKey((n) => n + 1)), [realtime]);
  return key;
}
