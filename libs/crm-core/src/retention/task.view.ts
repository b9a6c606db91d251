export const TASK_STATUSES = ['open', 'in_progress', 'done', 'dismissed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskSeverity = 'low' | 'medium' | 'high';

/** A retention task as agents and partners see it; `reason` is the sentence an agent acts on. */
export interface TaskView {
  id: string;
  customerId: string;
  kind: string;
  reason: string;
  severity: TaskSeverity;
  status: TaskStatus;
  dueAt: string | null;
  assigneeId: string | null;
  partnerId: string | null;
  outcome: string | null;
  createdAt: string;
}

export interface TaskRow {
  id: string;
  customer_id: string;
  kind: string;
  reason: string;
  severity: TaskSeverity;
  status: TaskStatus;
  due_at: Date | null;
  assignee_id: string | null;
  partner_id: string | null;
  outcome: string | null;
  created_at: Date;
}

export const TASK_COLUMNS = 'id, customer_id, kind, reason, severity, status, due_at, assignee_id, partner_id, outcome, created_at';

export function toTaskView(row: TaskRow): TaskView {
  return {
    id: row.id,
    customerId: row.customer_id,
    kind: row.kind,
    reason: row.reason,
    severity: row.severity,
    status: row.status,
    dueAt: row.due_at?.toISOString() ?? null,
    assigneeId: row.assignee_id,
    partnerId: row.partner_id,
    outcome: row.outcome,
    createdAt: row.created_at.toISOString(),
  };
}
