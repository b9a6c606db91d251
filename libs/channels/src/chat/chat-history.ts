import type { SqlClient } from '../channel-plugin';

/** One message as the visitor's widget shows it. */
export interface ChatMessageView {
  id: string;
  text: string;
  from: 'visitor' | 'agent';
  agentName: string | null;
  createdAt: string;
}

/** How much history a reconnecting visitor gets: the latest messages, oldest first. */
export const CHAT_HISTORY_LIMIT = 100;

/**
 * The visitor's own chat: the messages of the conversations opened by this visitor id (its
 * thread key), never the customer's other channels or another visitor's sessions, even after an
 * identify merged them into one customer. Internal notes are agents' only.
 */
export async function chatHistory(sql: SqlClient, visitorId: string): Promise<ChatMessageView[]> {
  const rows = await sql.query<{ id: string; text: string; direction: string; agent_name: string | null; occurred_at: Date }>(
    `SELECT * FROM (
       SELECT i.id, i.text, i.direction, i.metadata->>'agentName' AS agent_name, i.occurred_at
       FROM interactions i JOIN conversations cv ON cv.id = i.conversation_id
       WHERE cv.channel = 'chat' AND cv.thread_key = $1 AND i.channel = 'chat' AND i.kind = 'message'
       ORDER BY i.occurred_at DESC, i.id DESC LIMIT $2) latest
     ORDER BY occurred_at, id`,
    [visitorId, CHAT_HISTORY_LIMIT],
  );
  return rows.map((row) => ({
    id: row.id,
    text: row.text,
    from: row.direction === 'inbound' ? 'visitor' : 'agent',
    agentName: row.direction === 'inbound' ? null : row.agent_name,
    createdAt: new Date(row.occurred_at).toISOString(),
  }));
}
