import type { SqlClient } from './channel-plugin';
import type { InboundAttachment } from './interaction';

/** What agents see of an attachment in the interaction's metadata: everything but the bytes. */
export interface AttachmentSummary {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export function summaryOf({ id, filename, contentType, size }: InboundAttachment): AttachmentSummary {
  return { id, filename, contentType, size };
}

/**
 * Stores an inbound item's files beside its interaction, in the ingest's own transaction, so an
 * interaction never names a file that is not there. A redelivery adds nothing (ids are stable).
 */
export async function recordAttachments(sql: SqlClient, interactionId: string, attachments: InboundAttachment[]): Promise<void> {
  if (attachments.length === 0) return;
  await sql.query(
    `INSERT INTO attachments (id, interaction_id, filename, content_type, size, content)
     SELECT a.id, $1, a.filename, a.content_type, a.size, decode(a.content, 'base64')
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::integer[], $6::text[]) AS a(id, filename, content_type, size, content)
     ON CONFLICT (id) DO NOTHING`,
    [
      interactionId,
      attachments.map((a) => a.id),
      attachments.map((a) => a.filename),
      attachments.map((a) => a.contentType),
      attachments.map((a) => a.size),
      attachments.map((a) => a.contentBase64),
    ],
  );
}
