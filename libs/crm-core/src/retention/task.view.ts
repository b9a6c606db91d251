import type { AttritionSign } from './attrition.rules';

export const TASK_STATUSES = ['open', 'in_progress', 'done', 'dismissed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_SEVERITIES = ['low', 'medium', 'high'] as const;
export type TaskSeverity = (typeof TASK_SEVERITIES)[number];
export const TASK_KINDS = ['attrition', 'reacquisition', 'satisfaction', 'extension', 'follow_up'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** A task still to be worked on. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['open', 'in_progress'];

/** A retention task as agents and partners see it; `reason` is the sentence an agent acts on. */
export interface TaskView {
  id: string;
  customerId: string;
  kind: TaskKind;
  reason: string;
  severity: TaskSeverity;
  status: TaskStatus;
  dueAt: string | null;
  assigneeId: string | null;
  partnerId: string | null;
  outcome: string | null;
  createdAt: string;
  /** Attrition tasks: every sign that holds (empty for other kinds). */
  signs: AttritionSign[];
  /** Set when the task is about the customer's account (the `active_buyers` sign). */
  accountId: string | null;
  conversationId: string | null;
  offer: { product: string; basis: string } | null;
}

export interface TaskRow {
  id: string;
  customer_id: string;
  kind: TaskKind;
  reason: string;
  severity: TaskSeverity;
  status: TaskStatus;
  due_at: Date | null;
  assignee_id: string | null;
  partner_id: string | null;
  outcome: string | null;
  created_at: Date;
  signs: AttritionSign[];
  account_id: string | null;
  conversation_id: string | null;
  offer: { product: string; basis: string } | null;
}

export const TASK_COLUMNS =
  'id, customer_id, kind, reason, severity, status, due_at, assignee_id, partner_id, outcome, created_at, signs, account_id, conversation_id, offer';

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
    signs: row.signs,
    accountId: row.account_id,
    conversationId: row.conversation_id,
    offer: row.offer,
  };
}
