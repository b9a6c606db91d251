import type { Channel } from '@omnihub/channels';
import type { CsatView } from '../satisfaction/survey.rules';

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** A conversation as the inbox lists it. */
export interface ConversationView {
  id: string;
  channel: Channel;
  status: ConversationStatus;
  assigneeId: string | null;
  customer: { id: string; name: string | null };
  lastInteractionAt: string | null;
  lastInteractionPreview: string | null;
  unreadCount: number;
  /** The customer's satisfaction with this conversation (null before a score). */
  csat: CsatView | null;
}

export interface ConversationRow {
  id: string;
  channel: Channel;
  status: ConversationStatus;
  assignee_id: string | null;
  customer_id: string;
  customer_name: string | null;
  last_interaction_at: Date | null;
  last_interaction_preview: string | null;
  unread_count: number;
  csat_score: number | null;
  csat_comment: string | null;
  csat_responded_at: Date | null;
}

/** Columns for a query over `conversations cv JOIN customers cu`. */
export const CONVERSATION_COLUMNS = `cv.id, cv.channel, cv.status, cv.assignee_id, cv.customer_id, cu.name AS customer_name,
  cv.last_interaction_at, cv.last_interaction_preview, cv.unread_count, cv.csat_score, cv.csat_comment, cv.csat_responded_at`;

export function toConversationView(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    assigneeId: row.assignee_id,
    customer: { id: row.customer_id, name: row.customer_name },
    lastInteractionAt: row.last_interaction_at?.toISOString() ?? null,
    lastInteractionPreview: row.last_interaction_preview,
    unreadCount: row.unread_count,
    csat:
      row.csat_score === null
        ? null
        : { score: row.csat_score, comment: row.csat_comment, respondedAt: row.csat_responded_at!.toISOString() },
  };
}

const PREVIEW_LENGTH = 120;

export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1)}…` : flat;
}
