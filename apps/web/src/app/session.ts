import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { Agent, LoginAnswer } from '../api/contract';

const KEY = 'omnihub.session';

/** Kept for the tab only (sessionStorage): closing it logs the agent out. */
export function loadSession(): LoginAnswer | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as LoginAnswer;
    return typeof parsed.accessToken === 'string' && typeof parsed.agent?.id === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(session: LoginAnswer | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export interface SessionValue {
  agent: Agent;
  api: ApiClient;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the logged-in app');
  return session;
}
