import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { AttritionSign, Partner, TaskKind, TaskSeverity, TaskView } from '../../api/contract';
import { ATTRITION_SIGNS, TASK_KINDS } from '../../api/contract';
import { hrefFor } from '../../app/route';
import { useSession } from '../../app/session';
import { useAgentEvent, useResyncKey } from '../../realtime/realtime-hooks';
import { fullTime, words } from '../../ui/format';

const SEVERITY_ORDER: Record<TaskSeverity, number> = { high: 0, medium: 1, low: 2 };
const isOpen = (task: TaskView) => task.status === 'open' || task.status === 'in_progress';

/** Most severe first, then the soonest due; tasks without a due date last. */
export function compareTasks(a: TaskView, b: TaskView): number {
  if (a.severity !== b.severity) return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
  const due = (task: TaskView) => (task.dueAt ? Date.parse(task.dueAt) : Infinity);
  if (due(a) !== due(b)) return due(a) - due(b);
  return a.createdAt < b.createdAt ? -1 : 1;
}

export function TasksView() {
  const { api, agent } = useSession();
  const resyncKey = useResyncKey();
  const [tasks, setTasks] = useState<TaskView[]>([]);
  const [partners, setPartners] = useState<Partner[]>([]);
  const [kind, setKind] = useState<TaskKind | ''>('');
  const [sign, setSign] = useState<AttritionSign | ''>('');
  const [error, setError] = useState<string | null>(null);

  // While the lists load, the tasks events bring meanwhile: newer than what the lists answer.
  const placedWhileLoading = useRef<Map<string, TaskView> | null>(null);
  const shows = useCallback((task: TaskView) => isOpen(task) && (!kind || task.kind === kind), [kind]);

  useEffect(() => {
    let current = true;
    const placed = new Map<string, TaskView>();
    placedWhileLoading.current = placed;
    Promise.all([
      api.all<TaskView>('/api/tasks', { status: 'open', kind }, 2000),
      api.all<TaskView>('/api/tasks', { status: 'in_progress', kind }, 2000),
    ])
      .then(([open, started]) => {
        if (!current) return;
        setTasks([...[...open, ...started].filter((task) => !placed.has(task.id)), ...[...placed.values()].filter(shows)]);
      })
      .catch((failure: Error) => current && setError(failure.message))
      .finally(() => {
        if (placedWhileLoading.current === placed) placedWhileLoading.current = null;
      });
    return () => {
      current = false;
    };
  }, [api, kind, resyncKey, shows]);

  useEffect(() => {
    // Only admins may list partners; an agent's Tasks view simply has no partner choice.
    if (agent.role === 'admin') api.all<Partner>('/api/partners', {}, 500).then(setPartners, () => setPartners([]));
  }, [api, agent.role]);

  const place = useCallback(
    (task: TaskView) => {
      placedWhileLoading.current?.set(task.id, task);
      setTasks((known) => [...known.filter((t) => t.id !== task.id), ...(shows(task) ? [task] : [])]);
    },
    [shows],
  );
  useAgentEvent('task.created', ({ task }) => place(task));
  useAgentEvent('task.updated', ({ task }) => place(task));

  const change = useCallback(
    async (task: TaskView, body: Record<string, unknown>) => {
      setError(null);
      try {
        place(await api.patch<TaskView>(`/api/tasks/${task.id}`, body));
      } catch (failure) {
        setError(failure instanceof ApiError ? failure.message : 'The change failed.');
      }
    },
    [api, place],
  );

  const shown = useMemo(() => tasks.filter((task) => !sign || task.signs.includes(sign)).sort(compareTasks), [tasks, sign]);

  return (
    <section className="tasks-view" aria-label="Tasks">
      <header className="view-header">
        <h1>Open tasks</h1>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as TaskKind | '')}>
            <option value="">All</option>
            {TASK_KINDS.map((value) => (
              <option key={value} value={value}>
                {words(value)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sign
          <select value={sign} onChange={(e) => setSign(e.target.value as AttritionSign | '')}>
            <option value="">All</option>
            {ATTRITION_SIGNS.map((value) => (
              <option key={value} value={value}>
                {words(value)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{shown.length} shown</span>
      </header>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul className="task-list" aria-label="Open tasks">
        {shown.map((task) => (
          <TaskItem key={task.id} task={task} agentId={agent.id} partners={partners} onChange={change} />
        ))}
      </ul>
      {shown.length === 0 && <p className="empty">No open tasks.</p>}
    </section>
  );
}

interface ItemProps {
  task: TaskView;
  agentId: string;
  partners: Partner[];
  onChange: (task: TaskView, body: Record<string, unknown>) => Promise<void>;
}

function TaskItem({ task, agentId, partners, onChange }: ItemProps) {
  const [finishing, setFinishing] = useState(false);
  const [outcome, setOutcome] = useState('');
  // "Overdue" as of when the task was first shown; the list is refetched often enough for that.
  const [shownAt] = useState(() => Date.now());
  const overdue = task.dueAt !== null && Date.parse(task.dueAt) < shownAt;
  return (
    <li className={`task severity-${task.severity}`} aria-label={task.reason}>
      <div className="task-head">
        <span className="severity">{task.severity}</span>
        <span className="task-kind">{words(task.kind)}</span>
        <span className={`task-status status-${task.status}`}>{words(task.status)}</span>
        {task.dueAt && <span className={overdue ? 'overdue' : 'muted'}>due {fullTime(task.dueAt)}</span>}
        <a href={hrefFor.customer(task.customerId)}>Customer</a>
      </div>
      <p className="task-reason">{task.reason}</p>
      {task.signs.length > 0 && <p className="muted">Signs: {task.signs.map(words).join(', ')}</p>}
      {task.offer && (
        <p className="muted">
          Offer: {task.offer.product} ({task.offer.basis})
        </p>
      )}
      <div className="task-actions">
        {task.assigneeId !== agentId && (
          <button type="button" onClick={() => void onChange(task, { assigneeId: agentId })}>
            Claim
          </button>
        )}
        {task.status === 'open' && (
          <button
            type="button"
            onClick={() => void onChange(task, { status: 'in_progress', ...(task.assigneeId === null && { assigneeId: agentId }) })}
          >
            Start
          </button>
        )}
        <button type="button" onClick={() => setFinishing(true)}>
          Done
        </button>
        <button type="button" onClick={() => void onChange(task, { status: 'dismissed' })}>
          Dismiss
        </button>
        {partners.length > 0 && (
          <label>
            Partner
            <select value={task.partnerId ?? ''} onChange={(e) => void onChange(task, { partnerId: e.target.value || null })}>
              <option value="">None</option>
              {partners.map((partner) => (
                <option key={partner.id} value={partner.id}>
                  {partner.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {finishing && (
        <form
          className="task-finish"
          onSubmit={(event) => {
            event.preventDefault();
            void onChange(task, { status: 'done', outcome: outcome.trim() || 'done' });
          }}
        >
          <label>
            Outcome
            <input value={outcome} onChange={(e) => setOutcome(e.target.value)} placeholder="What came of it" autoFocus />
          </label>
          <button type="submit" className="primary">
            Finish task
          </button>
          <button type="button" onClick={() => setFinishing(false)}>
            Cancel
          </button>
        </form>
      )}
    </li>
  );
}
