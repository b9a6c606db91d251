import type { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import { TASK_COLUMNS, toTaskView, type TaskRow, type TaskStatus, type TaskView } from './task.view';

export interface TaskQuery {
  status?: TaskStatus;
  assigneeId?: string;
  partnerId?: string;
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

/** Retention tasks: what agents and call centres are asked to do about a customer. */
export class RetentionTasksService {
  constructor(private readonly db: DataSource) {}

  async list({ status, assigneeId, partnerId }: TaskQuery): Promise<TaskView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (status) where.push(`status = $${params.push(status)}`);
    if (assigneeId) where.push(`assignee_id = $${params.push(assigneeId)}`);
    if (partnerId) where.push(`partner_id = $${params.push(partnerId)}`);
    const rows = await queryRows<TaskRow>(
      this.db,
      `SELECT ${TASK_COLUMNS} FROM retention_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY due_at NULLS LAST, created_at LIMIT 500`,
      params,
    );
    return rows.map(toTaskView);
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
    );
    if (!rows[0]) throw new TaskNotFoundError(id);
    return toTaskView(rows[0]);
  }
}
