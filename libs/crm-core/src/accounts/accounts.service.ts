import type { DataSource } from 'typeorm';
import { CustomerNotFoundError } from '../customers/customer-merge.service';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import { queryOne, queryRows } from '../database/sql';
import type { LifecycleStage } from '../customers/customer.view';
import { TASK_COLUMNS, toTaskView, type TaskRow, type TaskView } from '../retention/task.view';

export interface AccountView {
  id: string;
  name: string;
}

export interface AccountDetail extends AccountView {
  customers: Array<{ id: string; name: string | null; lifecycleStage: LifecycleStage }>;
  metrics: { activeBuyers90d: number; activeBuyersPrior90d: number; purchaseAmount90d: number; purchaseAmountPrior90d: number };
  openTasks: TaskView[];
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

/** `accountId` names no account: the client's error. */
export class UnknownAccountError extends Error {
  constructor(id: string) {
    super(`accountId ${id} does not name an existing account`);
  }
}

/** Business customers with several buyers: each buyer is a customer of the account. */
export class AccountsService {
  constructor(
    private readonly db: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The account's buyers, their purchases over the last 90 days and the 90 before, its open tasks. */
  async detail(id: string): Promise<AccountDetail> {
    const account = await queryOne<{
      id: string;
      name: string;
      customers: AccountDetail['customers'];
      buyers_90d: number;
      buyers_prior_90d: number;
      amount_90d: number;
      amount_prior_90d: number;
    }>(
      this.db,
      `SELECT a.id, a.name,
              COALESCE((SELECT json_agg(json_build_object('id', c.id, 'name', c.name, 'lifecycleStage', c.lifecycle_stage) ORDER BY c.created_at)
                          FROM customers c WHERE c.account_id = a.id), '[]'::json) AS customers,
              count(DISTINCT e.customer_id) FILTER (WHERE e.type = 'purchase' AND e.occurred_at > $2::timestamptz - interval '90 days')::int AS buyers_90d,
              count(DISTINCT e.customer_id) FILTER (WHERE e.type = 'purchase' AND e.occurred_at <= $2::timestamptz - interval '90 days')::int AS buyers_prior_90d,
              COALESCE(sum(e.amount) FILTER (WHERE e.occurred_at > $2::timestamptz - interval '90 days'), 0)::float8 AS amount_90d,
              COALESCE(sum(e.amount) FILTER (WHERE e.occurred_at <= $2::timestamptz - interval '90 days'), 0)::float8 AS amount_prior_90d
         FROM accounts a
         LEFT JOIN customers m ON m.account_id = a.id
         LEFT JOIN business_events e ON e.customer_id = m.id AND e.type IN ('purchase', 'renewal')
              AND e.occurred_at > $2::timestamptz - interval '180 days' AND e.occurred_at <= $2::timestamptz
        WHERE a.id = $1 GROUP BY a.id`,
      [id, this.now()],
    );
    if (!account) throw new AccountNotFoundError(id);
    const tasks = await queryRows<TaskRow>(
      this.db,
      `SELECT ${TASK_COLUMNS} FROM retention_tasks
        WHERE status IN ('open', 'in_progress') AND (account_id = $1 OR customer_id IN (SELECT id FROM customers WHERE account_id = $1))
        ORDER BY created_at DESC, id DESC`,
      [id],
    );
    return {
      id: account.id,
      name: account.name,
      customers: account.customers,
      metrics: {
        activeBuyers90d: account.buyers_90d,
        activeBuyersPrior90d: account.buyers_prior_90d,
        purchaseAmount90d: account.amount_90d,
        purchaseAmountPrior90d: account.amount_prior_90d,
      },
      openTasks: tasks.map(toTaskView),
    };
  }

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
      if ((error as { code?: string }).code === '23503') throw new UnknownAccountError(String(change.accountId));
      throw error;
    });
    if (!rows.length) throw new CustomerNotFoundError(customerId);
  }
}
