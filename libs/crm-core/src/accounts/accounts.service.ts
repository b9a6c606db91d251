import type { DataSource } from 'typeorm';
import { CustomerNotFoundError } from '../customers/customer-merge.service';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import { queryRows } from '../database/sql';

export interface AccountView {
  id: string;
  name: string;
}

interface AccountRow {
  id: string;
  name: string;
  created_at: Date;
}

export class AccountNotFoundError extends Error {
  constructor(id: string) {
    super(`account ${id} does not exist`);
  }
}

/** Business customers with several buyers: each buyer is a customer of the account. */
export class AccountsService {
  constructor(private readonly db: DataSource) {}

  async create(name: string): Promise<AccountView> {
    const [row] = await queryRows<AccountRow>(this.db, 'INSERT INTO accounts (name) VALUES ($1) RETURNING id, name, created_at', [name]);
    return { id: row.id, name: row.name };
  }

  /** Newest first; `q` matches part of the name. */
  async list(q: string | undefined, cursor: string | undefined, limit: number): Promise<Page<AccountView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (q) where.push(`name ILIKE ${param(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    if (cursor) {
      const position = decodeCursor(cursor);
      where.push(`(created_at, id) < (${param(position.at)}::timestamptz, ${param(position.id)}::uuid)`);
    }
    const rows = await queryRows<AccountRow>(
      this.db,
      `SELECT id, name, created_at FROM accounts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r) => ({ id: r.id, name: r.name }),
      (r) => ({ at: r.created_at.toISOString(), id: r.id }),
    );
  }

  /** `accountId` null detaches the customer. */
  async changeCustomer(customerId: string, change: { name?: string; accountId?: string | null }): Promise<void> {
    const sets = ['updated_at = now()'];
    const params: unknown[] = [customerId];
    if (change.name !== undefined) sets.push(`name = $${params.push(change.name)}`);
    if (change.accountId !== undefined) sets.push(`account_id = $${params.push(change.accountId)}`);
    const rows = await queryRows<{ id: string }>(
      this.db,
      `UPDATE customers SET ${sets.join(', ')}
        WHERE id = COALESCE((SELECT into_id FROM customer_merges WHERE merged_id = $1), $1) RETURNING id`,
      params,
    ).catch((error: unknown) => {
      if ((error as { code?: string }).code === '23503') throw new AccountNotFoundError(String(change.accountId));
      throw error;
    });
    if (!rows.length) throw new CustomerNotFoundError(customerId);
  }
}
