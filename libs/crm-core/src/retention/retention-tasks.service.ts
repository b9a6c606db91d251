import type { DataSource } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import { queryRows } from '../database/sql';
import { TASK_COLUMNS, toTaskView, type TaskKind, type TaskRow, type TaskSeverity, type TaskStatus, type TaskView } from './task.view';

export interface TaskQuery {
  status?: TaskStatus;
  kind?: TaskKind;
  severity?: TaskSeverity;
  customerId?: string;
  assigneeId?: string;
  partnerId?: string;
  cursor?: string;
  limit: number;
}

export interface TaskChange {
  status?: TaskStatus;
  outcome?: string;
  assigneeId?: string | null;
  partnerId?: string | null;
}

export interface FollowUpInput {
  customerId: string;
  reason: string;
  dueAt?: string;
  assigneeId?: string;
  partnerId?: string;
}

export class TaskNotFoundError extends Error {
  constructor(id: string) {
    super(`task ${id} does not exist`);
  }
}

type TaskReference = 'assigneeId' | 'partnerId' | 'customerId';
const NAMED: Record<TaskReference, string> = { assigneeId: 'an agent', partnerId: 'a partner', customerId: 'a customer' };

/** A task's `assigneeId`, `partnerId` or `customerId` that names nothing: the client's error. */
export class TaskReferenceNotFoundError extends Error {
  constructor(
    readonly field: TaskReference,
    id: string,
  ) {
    super(`${field} ${id} is not ${NAMED[field]}`);
  }
}

/** The foreign keys of retention_tasks, by the field that sets them. */
const REFERENCE_OF_CONSTRAINT: Record<string, TaskReference> = {
  retention_tasks_assignee_id_fkey: 'assigneeId',
  retention_tasks_partner_id_fkey: 'partnerId',
  retention_tasks_customer_id_fkey: 'customerId',
};

/** Retention tasks: what agents and call centres are asked to do about a customer. */
export class RetentionTasksService {
  constructor(private readonly db: DataSource) {}

  /** Newest first. */
  async list({ status, kind, severity, customerId, assigneeId, partnerId, cursor, limit }: TaskQuery): Promise<Page<TaskView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (status) where.push(`status = ${param(status)}`);
    if (kind) where.push(`kind = ${param(kind)}`);
    if (severity) where.push(`severity = ${param(severity)}`);
    if (customerId) where.push(`customer_id = ${param(customerId)}`);
    if (assigneeId) where.push(`assignee_id = ${param(assigneeId)}`);
    if (partnerId) where.push(`partner_id = ${param(partnerId)}`);
    if (cursor) {
      const position = decodeCursor(cursor);
      where.push(`(created_at, id) < (${param(position.at)}::timestamptz, ${param(position.id)}::uuid)`);
    }
    const rows = await queryRows<TaskRow>(
      this.db,
      `SELECT ${TASK_COLUMNS} FROM retention_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    return toPage(rows, limit, toTaskView, (row) => ({ at: row.created_at.toISOString(), id: row.id }));
  }

  /** A follow-up an agent asks for (`low` unless the agent escalates it). */
  async createFollowUp(input: FollowUpInput): Promise<TaskView> {
    try {
      const [row] = await queryRows<TaskRow>(
        this.db,
        `INSERT INTO retention_tasks (customer_id, kind, reason, severity, due_at, assignee_id, partner_id)
         VALUES (COALESCE((SELECT into_id FROM customer_merges WHERE merged_id = $1), $1), 'follow_up', $2, 'low', $3, $4, $5)
         RETURNING ${TASK_COLUMNS}`,
        [input.customerId, input.reason, input.dueAt ?? null, input.assigneeId ?? null, input.partnerId ?? null],
      );
      return toTaskView(row);
    } catch (error) {
      throw referenceError(error, input) ?? error;
    }
  }

  /** Whether each task id is a task assigned to this partner (call logs may only close those). */
  async assignedToPartner(taskIds: readonly string[], partnerId: string): Promise<Set<string>> {
    if (!taskIds.length) return new Set();
    const rows = await queryRows<{ id: string }>(this.db, 'SELECT id FROM retention_tasks WHERE id = ANY($1::uuid[]) AND partner_id = $2', [
      taskIds,
      partnerId,
    ]);
    return new Set(rows.map((row) => row.id));
  }

  async change(id: string, change: TaskChange): Promise<TaskView> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    if (change.status !== undefined) sets.push(`status = $${params.push(change.status)}`);
    if (change.outcome !== undefined) sets.push(`outcome = $${params.push(change.outcome)}`);
    if (change.assigneeId !== undefined) sets.push(`assignee_id = $${params.push(change.assigneeId)}`);
    if (change.partnerId !== undefined) sets.push(`partner_id = $${params.push(change.partnerId)}`);
    const rows = await queryRows<TaskRow>(
      this.db,
      `UPDATE retention_tasks SET ${sets.join(', ')} WHERE id = $1 RETURNING ${TASK_COLUMNS}`,
      params,
    ).catch((error: unknown) => {
      // The foreign key decides, in the same statement: no look-up that a delete could race.
      throw referenceError(error, change) ?? error;
    });
    if (!rows[0]) throw new TaskNotFoundError(id);
    return toTaskView(rows[0]);
  }
}

/** A foreign key the task refers to names nothing: which field, with the id it was given. */
function referenceError(error: unknown, given: Partial<Record<TaskReference, string | null>>): TaskReferenceNotFoundError | null {
  const failure = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const { code, constraint } = failure.driverError ?? failure;
  if (code !== '23503' || !constraint) return null;
  const field = REFERENCE_OF_CONSTRAINT[constraint];
  return field ? new TaskReferenceNotFoundError(field, String(given[field] ?? '')) : null;
}
