import { randomUUID } from 'node:crypto';
import { ReplyRefusedError, type ChannelRegistry, type InteractionKind, type ReplyTarget, type SqlClient } from '@omnihub/channels';
import type { DataSource, EntityManager } from 'typeorm';
import {
  CONVERSATION_COLUMNS,
  previewOf,
  toConversationView,
  type ConversationRow,
  type ConversationView,
} from '../conversations/conversation.view';
import { ConversationNotFoundError } from '../conversations/conversations.service';
import { queryOne, queryRows } from '../database/sql';
import { INTERACTION_COLUMNS, toInteractionView, type InteractionRow, type InteractionView } from '../interactions/interaction.view';
import { ReplyChannelUnavailableError } from './outbound-message.errors';

const INSERT_REPLY = `INSERT INTO interactions (customer_id, conversation_id, channel, direction, kind, text, subject, occurred_at,
    external_id, idempotency_key, delivery_status, intent, metadata, author_agent_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`;

/** A reply counts towards the day's activity (metrics count messages both ways, not notes). */
const COUNT_ACTIVITY = `INSERT INTO customer_activity_daily (customer_id, day, channel, count) VALUES ($1, $2, $3, 1)
  ON CONFLICT (customer_id, day, channel) DO UPDATE SET count = customer_activity_daily.count + 1`;

export interface MessageAuthor {
  agentId: string;
  agentName: string;
}

export interface NewConversationMessage {
  text: string;
  /** An internal note: stored for agents, never sent. */
  private?: boolean;
}

export interface PostedMessage {
  interaction: InteractionView;
  conversation: ConversationView;
}

/**
 * An agent's message in a conversation, written in one transaction: the interaction, the
 * conversation's inbox summary and the day's activity. A reply is stored `queued` with where it
 * goes (its channel decides: the plug-in may refuse, for example when the recipient opted out, before
 * anything is stored); sending it is the worker's job.
 */
export class OutboundMessagesService {
  constructor(
    private readonly db: DataSource,
    private readonly channels: ChannelRegistry,
  ) {}

  post(conversationId: string, author: MessageAuthor, message: NewConversationMessage): Promise<PostedMessage> {
    return this.db.transaction(async (tx) => {
      const conversation = await this.lock(tx, conversationId);
      const note = message.private === true;
      const target = note ? null : await this.targetOf(tx, conversation, message.text);
      return this.store(tx, conversation, message.text, target, { agentId: author.agentId, agentName: author.agentName });
    });
  }

  /**
   * A message the hub itself sends in a conversation (the satisfaction survey), when `decide`,
   * shown the locked conversation and where the message would go (or why the channel refuses it),
   * says so; otherwise nothing is stored and null is answered.
   */
  postFromHub(
    conversationId: string,
    text: string,
    metadata: Record<string, unknown>,
    decide: (tx: EntityManager, conversation: ConversationRow, target: ReplyTarget | ReplyRefusedError | null) => Promise<boolean>,
  ): Promise<PostedMessage | null> {
    return this.db.transaction(async (tx) => {
      const conversation = await this.lock(tx, conversationId);
      const sends = Boolean(this.channels.find(conversation.channel)?.replies);
      const target = sends
        ? await this.targetOf(tx, conversation, text).catch((error: unknown) => {
            if (error instanceof ReplyRefusedError) return error;
            throw error;
          })
        : null;
      if (!(await decide(tx, conversation, target)) || !target || target instanceof ReplyRefusedError) return null;
      return this.store(tx, conversation, text, target, { agentId: null, agentName: null, ...metadata });
    });
  }

  /** Locked so two messages update the inbox summary one after the other. */
  private async lock(tx: EntityManager, conversationId: string): Promise<ConversationRow> {
    const conversation = await queryOne<ConversationRow>(
      tx,
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations cv JOIN customers cu ON cu.id = cv.customer_id
       WHERE cv.id = $1 FOR UPDATE OF cv`,
      [conversationId],
    );
    if (!conversation) throw new ConversationNotFoundError(conversationId);
    return conversation;
  }

  /** A message with no target is an internal note. */
  private async store(
    tx: EntityManager,
    conversation: ConversationRow,
    text: string,
    target: ReplyTarget | null,
    about: { agentId: string | null; agentName: string | null } & Record<string, unknown>,
  ): Promise<PostedMessage> {
    const note = target === null;
    const kind: InteractionKind = note ? 'note' : 'message';
    const occurredAt = new Date().toISOString();
    // Until the provider names the message, its own id is the hub's.
    const key = randomUUID();
    const metadata = { ...about, ...target };
    const [{ id }] = await queryRows<{ id: string }>(tx, INSERT_REPLY, [
      conversation.customer_id,
      conversation.id,
      conversation.channel,
      'outbound',
      kind,
      text,
      target?.subject ?? null,
      occurredAt,
      key,
      key,
      note ? null : 'queued',
      null,
      metadata,
      about.agentId,
    ]);
    if (!note) {
      await tx.query(COUNT_ACTIVITY, [conversation.customer_id, occurredAt.slice(0, 10), conversation.channel]);
    }
    const updated = await queryOne<ConversationRow>(
      tx,
      // A note is for agents: it leaves the customer-facing preview alone.
      `UPDATE conversations cv SET updated_at = now(),
         last_interaction_at = CASE WHEN $2::boolean THEN GREATEST(cv.last_interaction_at, $3::timestamptz) ELSE cv.last_interaction_at END,
         last_interaction_preview = CASE WHEN $2::boolean THEN $4 ELSE cv.last_interaction_preview END
       FROM customers cu WHERE cv.id = $1 AND cu.id = cv.customer_id
       RETURNING ${CONVERSATION_COLUMNS}`,
      [conversation.id, !note, occurredAt, previewOf(text)],
    );
    const row = await queryOne<InteractionRow>(tx, `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = $1`, [id]);
    return { interaction: toInteractionView(row!), conversation: toConversationView(updated!) };
  }

  /** Where a reply on the conversation's channel goes; its plug-in refuses what may not be sent. */
  private targetOf(tx: EntityManager, conversation: ConversationRow, text: string): Promise<ReplyTarget> {
    const plugin = this.channels.find(conversation.channel);
    if (!plugin?.replies) {
      throw new ReplyChannelUnavailableError(conversation.channel, plugin?.noReplies ?? 'this hub does not send on it yet');
    }
    const sql: SqlClient = { query: (statement, values) => queryRows(tx, statement, values) };
    return plugin.replies.targetOf(sql, { conversationId: conversation.id, customerId: conversation.customer_id, text });
  }
}
