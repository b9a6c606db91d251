import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient } from '../api/client';
import type { LoginAnswer } from '../api/contract';
import { LoginForm } from '../features/auth/LoginForm';
import { CustomerPanel } from '../features/customers/CustomerPanel';
import { InboxView } from '../features/inbox/InboxView';
import { RetentionView } from '../features/retention/RetentionView';
import { TasksView } from '../features/tasks/TasksView';
import { AgentRealtime } from '../realtime/agent-realtime';
import { RealtimeContext, useConnectionStatus } from '../realtime/realtime-hooks';
import { hrefFor, useRoute } from './route';
import { loadSession, saveSession, SessionContext, useSession, type SessionValue } from './session';

export function App() {
  const [session, setSession] = useState<LoginAnswer | null>(loadSession);
  const logOut = useCallback(() => {
    saveSession(null);
    setSession(null);
  }, []);
  if (!session) {
    return (
      <LoginForm
        onLoggedIn={(answer) => {
          saveSession(answer);
          setSession(answer);
        }}
      />
    );
  }
  return <LoggedIn session={session} onLogOut={logOut} />;
}

function LoggedIn({ session, onLogOut }: { session: LoginAnswer; onLogOut: () => void }) {
  const value = useMemo<SessionValue>(
    () => ({ agent: session.agent, api: new ApiClient(session.accessToken, onLogOut) }),
    [session, onLogOut],
  );
  const realtime = useMemo(() => new AgentRealtime(session.accessToken, onLogOut), [session.accessToken, onLogOut]);
  useEffect(() => {
    realtime.connect();
    return () => realtime.close();
  }, [realtime]);
  return (
    <SessionContext.Provider value={value}>
      <RealtimeContext.Provider value={realtime}>
        <Shell onLogOut={onLogOut} />
      </RealtimeContext.Provider>
    </SessionContext.Provider>
  );
}

function Shell({ onLogOut }: { onLogOut: () => void }) {
  const route = useRoute();
  const status = useConnectionStatus();
  const { agent } = useSession();
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Omnihub</span>
        <nav aria-label="Views">
          <a href={hrefFor.inbox()} aria-current={route.view === 'inbox' ? 'page' : undefined}>
            Inbox
          </a>
          <a href={hrefFor.tasks()} aria-current={route.view === 'tasks' ? 'page' : undefined}>
            Tasks
          </a>
          <a href={hrefFor.retention()} aria-current={route.view === 'retention' ? 'page' : undefined}>
            Retention
          </a>
        </nav>
        <span role="status" aria-label="Connection" className={`connection connection-${status}`}>
          {status === 'live' ? 'Live' : status === 'reconnecting' ? 'Reconnecting' : 'Connecting'}
        </span>
        <span className="agent-name">{agent.name}</span>
        <button type="button" className="link-button" onClick={onLogOut}>
          Log out
        </button>
      </header>
      <main className="main">
        {route.view === 'inbox' && <InboxView conversationId={route.conversationId} />}
        {route.view === 'customer' && (
          <div className="customer-page">
            <CustomerPanel customerId={route.customerId} />
          </div>
        )}
        {route.view === 'tasks' && <TasksView />}
        {route.view === 'retention' && <RetentionView />}
      </main>
    </div>
  );
}
