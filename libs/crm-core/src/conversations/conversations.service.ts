import type { Channel } from '@omnihub/channels';
import type { DataSource } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import { queryOne, queryRows } from '../database/sql';
import { INTERACTION_COLUMNS, toInteractionView, type InteractionRow, type InteractionView } from '../interactions/interaction.view';
import {
  CONVERSATION_COLUMNS,
  toConversationView,
  type ConversationRow,
  type ConversationStatus,
  type ConversationView,
} from './conversation.view';

export interface ConversationQuery {
  status?: ConversationStatus;
  channel?: Channel;
  /** An agent id, or `none` for unassigned; the caller resolves `me`. */
  assigneeId?: string;
  cursor?: string;
  limit: number;
}

export interface ConversationChange {
  status?: ConversationStatus;
  assigneeId?: string | null;
}

export class ConversationNotFoundError extends Error {
  constructor(id: string) {
    super(`conversation ${id} does not exist`);
  }
}

export class AssigneeNotFoundError extends Error {
  constructor(id: string) {
    super(`assigneeId ${id} is not an active agent`);
  }
}

/** The inbox: conversations newest activity first, one conversation's thread, and triage. */
export class ConversationsService {
  constructor(private readonly db: DataSource) {}

  async list({ status, channel, assigneeId, cursor, limit }: ConversationQuery): Promise<Page<ConversationView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (status) where.push(`cv.status = ${param(status)}`);
    if (channel) where.push(`cv.channel = ${param(channel)}`);
    if (assigneeId === 'none') where.push('cv.assignee_id IS NULL');
    else if (assigneeId) where.push(`cv.assignee_id = ${param(assigneeId)}`);
    if (cursor) {
      const position = decodeCursor(cursor);
      where.push(`(cv.last_interaction_at, cv.id) < (${param(position.at)}::timestamptz, ${param(position.id)}::uuid)`);
    }
    const rows = await queryRows<ConversationRow>(
      this.db,
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations cv JOIN customers cu ON cu.id = cv.customer_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY cv.last_interaction_at DESC, cv.id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    return toPage(rows, limit, toConversationView, (row) => ({ at: row.last_interaction_at?.toISOString() ?? null, id: row.id }));
  }

  async get(id: string): Promise<ConversationView> {
    const row = await queryOne<ConversationRow>(
      this.db,
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations cv JOIN customers cu ON cu.id = cv.customer_id WHERE cv.id = $1`,
      [id],
    );
    if (!row) throw new ConversationNotFoundError(id);
    return toConversationView(row);
  }

  async withInteractions(id: string): Promise<ConversationView & { interactions: InteractionView[] }> {
    const conversation = await this.get(id);
    const rows = await queryRows<InteractionRow>(
      this.db,
      `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE conversation_id = $1 ORDER BY occurred_at, id`,
      [id],
    );
    return { ...conversation, interactions: rows.map(toInteractionView) };
  }

  async change(id: string, change: ConversationChange): Promise<ConversationView> {
    if (change.assigneeId) {
      const agent = await queryOne(this.db, 'SELECT 1 FROM agents WHERE id = $1 AND active', [change.assigneeId]);
      if (!agent) throw new AssigneeNotFoundError(change.assigneeId);
    }
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    if (change.status !== undefined) sets.push(`status = $${params.push(change.status)}`);
    if (change.assigneeId !== undefined) sets.push(`assignee_id = $${params.push(change.assigneeId)}`);
    try {
      const updated = await queryRows(this.db, `UPDATE conversations SET ${sets.join(', ')} WHERE id = $1 RETURNING id`, params);
      if (updated.length === 0) throw new ConversationNotFoundError(id);
    } catch (error) {
      if (isActiveConversationConflict(error)) {
        throw new ConversationReopenConflictError();
      }
      throw error;
    }
    return this.get(id);
  }
}

export class ConversationReopenConflictError extends Error {
  constructor() {
    super('the customer already has an unresolved conversation on this channel; reply there instead');
  }
}

function isActiveConversationConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { constraint?: string } }).driverError;
  return driverError?.constraint === 'conversations_one_active_idx';
}
