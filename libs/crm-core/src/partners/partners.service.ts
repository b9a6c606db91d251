import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { queryOne, queryRows } from '../database/sql';

export interface PartnerView {
  id: string;
  name: string;
  /** False once revoked: its key is refused and it stays only so its call logs keep their origin. */
  active: boolean;
  createdAt: string;
  /** When a request last came in with the partner's key (to the minute), null when never. */
  lastUsedAt: string | null;
  keyRotatedAt: string | null;
  revokedAt: string | null;
}

interface PartnerRow {
  id: string;
  name: string;
  active: boolean;
  created_at: Date;
  last_used_at: Date | null;
  key_rotated_at: Date | null;
  revoked_at: Date | null;
}

export class PartnerNotFoundError extends Error {
  constructor(id: string) {
    super(`Partner ${id} not found`);
  }
}

const COLUMNS = 'id, name, active, created_at, last_used_at, key_rotated_at, revoked_at';
const iso = (date: Date | null) => date?.toISOString() ?? null;
const toView = (row: PartnerRow): PartnerView => ({
  id: row.id,
  name: row.name,
  active: row.active,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: iso(row.last_used_at),
  keyRotatedAt: iso(row.key_rotated_at),
  revokedAt: iso(row.revoked_at),
});

/**
 * API keys are 32 random bytes: too long to guess, so a plain SHA-256 is a safe stored form
 * and lets a request find its partner in one indexed lookup (a salted slow hash could not).
 */
const hashKey = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');
const newKey = () => `ohp_${randomBytes(32).toString('base64url')}`;

/** `last_used_at` is written at most once a minute per partner: bulk uploads stay read-only here. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class PartnersService {
  constructor(private readonly db: DataSource) {}

  /** The new partner with its API key: shown this once, never stored. */
  async create(name: string): Promise<PartnerView & { apiKey: string }> {
    const apiKey = newKey();
    const [row] = await queryRows<PartnerRow>(this.db, `INSERT INTO partners (name, api_key_hash) VALUES ($1, $2) RETURNING ${COLUMNS}`, [
      name,
      hashKey(apiKey),
    ]);
    return { ...toView(row), apiKey };
  }

  /** The active partner holding this key, its use recorded; null for an unknown or revoked key. */
  async findByApiKey(apiKey: string, now = new Date()): Promise<PartnerView | null> {
    const row = await queryOne<PartnerRow>(this.db, `SELECT ${COLUMNS} FROM partners WHERE api_key_hash = $1 AND active`, [
      hashKey(apiKey),
    ]);
    if (!row) return null;
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.db.query('UPDATE partners SET last_used_at = $2 WHERE id = $1', [row.id, now]);
      row.last_used_at = now;
    }
    return toView(row);
  }

  async list(): Promise<PartnerView[]> {
    return (await queryRows<PartnerRow>(this.db, `SELECT ${COLUMNS} FROM partners ORDER BY created_at, id`)).map(toView);
  }

  /** A new key for an active partner, shown this once; the old one is refused from now on. */
  async rotateKey(id: string): Promise<PartnerView & { apiKey: string }> {
    const apiKey = newKey();
    const [row] = await queryRows<PartnerRow>(
      this.db,
      `UPDATE partners SET api_key_hash = $2, key_rotated_at = now() WHERE id = $1 AND active RETURNING ${COLUMNS}`,
      [id, hashKey(apiKey)],
    );
    if (!row) throw new PartnerNotFoundError(id);
    return { ...toView(row), apiKey };
  }

  /**
   * Revokes the partner: its key is refused from now on. The row stays (inactive) so the call
   * logs it sent keep naming it; revoking twice, or an unknown id, is a not-found.
   */
  async revoke(id: string): Promise<void> {
    const rows = await queryRows<PartnerRow>(
      this.db,
      `UPDATE partners SET active = false, revoked_at = now() WHERE id = $1 AND active RETURNING ${COLUMNS}`,
      [id],
    );
    if (!rows[0]) throw new PartnerNotFoundError(id);
  }
}
