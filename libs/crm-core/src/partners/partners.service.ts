import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { queryOne, queryRows } from '../database/sql';

export interface PartnerView {
  id: string;
  name: string;
  active: boolean;
  createdAt: string;
}

interface PartnerRow {
  id: string;
  name: string;
  active: boolean;
  created_at: Date;
}

const toView = (row: PartnerRow): PartnerView => ({
  id: row.id,
  name: row.name,
  active: row.active,
  createdAt: row.created_at.toISOString(),
});

/**
 * API keys are 32 random bytes: too long to guess, so a plain SHA-256 is a safe stored form
 * and lets a request find its partner in one indexed lookup (a salted slow hash could not).
 */
const hashKey = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

export class PartnersService {
  constructor(private readonly db: DataSource) {}

  /** The new partner with its API key: shown this once, never stored. */
  async create(name: string): Promise<PartnerView & { apiKey: string }> {
    const apiKey = `ohp_${randomBytes(32).toString('base64url')}`;
    const [row] = await queryRows<PartnerRow>(
      this.db,
      'INSERT INTO partners (name, api_key_hash) VALUES ($1, $2) RETURNING id, name, active, created_at',
      [name, hashKey(apiKey)],
    );
    return { ...toView(row), apiKey };
  }

  async findByApiKey(apiKey: string): Promise<PartnerView | null> {
    const row = await queryOne<PartnerRow>(
      this.db,
      'SELECT id, name, active, created_at FROM partners WHERE api_key_hash = $1 AND active',
      [hashKey(apiKey)],
    );
    return row ? toView(row) : null;
  }

  async list(): Promise<PartnerView[]> {
    return (await queryRows<PartnerRow>(this.db, 'SELECT id, name, active, created_at FROM partners ORDER BY created_at')).map(toView);
  }
}
