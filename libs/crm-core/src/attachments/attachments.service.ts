import type { DataSource } from 'typeorm';
import { queryOne } from '../database/sql';

export interface StoredAttachment {
  id: string;
  interactionId: string;
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}

/** Files that came with inbound items, stored by the ingest (see @omnihub/channels attachments.ts). */
export class AttachmentsService {
  constructor(private readonly db: DataSource) {}

  async find(id: string): Promise<StoredAttachment | null> {
    const row = await queryOne<{
      id: string;
      interaction_id: string;
      filename: string;
      content_type: string;
      size: number;
      content: Buffer;
    }>(this.db, 'SELECT id, interaction_id, filename, content_type, size, content FROM attachments WHERE id = $1', [id]);
    return row
      ? {
          id: row.id,
          interactionId: row.interaction_id,
          filename: row.filename,
          contentType: row.content_type,
          size: row.size,
          content: row.content,
        }
      : null;
  }
}
