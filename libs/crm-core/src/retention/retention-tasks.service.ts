import type { DataSource } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import { queryRows } from '../database/sql';
import { TASK_COLUMNS, toTaskView, type TaskRow, type TaskStatus, type TaskView } from './task.view';

export interface TaskQuery {
  status?: TaskStatus;
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

export class TaskNotFoundError extends Error {
  constructor(id: string) {
    super(`task ${id} does not exist`);
  }
}

/** A task's `assigneeId` or `partnerId` that names no agent or partner. */
export class TaskReferenceNotFoundError extends Error {
  constructor(
    readonly field: 'assigneeId' | 'partnerId',
    id: string,
  ) {
    super(`${field} ${id} is not ${field === 'assigneeId' ? 'an agent' : 'a partner'}`);
  }
}

/** The foreign keys of retention_tasks, by the field of TaskChange that sets them. */
const REFERENCE_OF_CONSTRAINT: Record<string, 'assigneeId' | 'partnerId'> = {
  retention_tasks_assignee_id_fkey: 'assigneeId',
  retention_tasks_partner_id_fkey: 'partnerId',
};

/** Retention tasks: what agents and call centres are asked to do about a customer. */
export class RetentionTasksService {
  constructor(private readonly db: DataSource) {}

  /** Newest first. */
  async list({ status, assigneeId, partnerId, cursor, limit }: TaskQuery): Promise<Page<TaskView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (status) where.push(`status = ${param(status)}`);
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
      const field = foreignKeyViolated(error);
      throw field ? new TaskReferenceNotFoundError(field, String(change[field])) : error;
    });
    if (!rows[0]) throw new TaskNotFoundError(id);
    return toTaskView(rows[0]);
  }
}

function foreignKeyViolated(error: unknown): 'assigneeId' | 'partnerId' | undefined {
  const { code, constraint } = (error as { driverError?: { code?: string; constraint?: string } } | null)?.driverError ?? {};
  return code === '23503' && constraint ? REFERENCE_OF_CONSTRAINT[constraint] : undefined;
}
