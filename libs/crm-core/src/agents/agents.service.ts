import * as argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import { queryOne, queryRows } from '../database/sql';

export const AGENT_ROLES = ['admin', 'agent'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

/** An agent as every route shows one: never the password hash. */
export interface AgentView {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  createdAt: string;
}

/** An agent as the access guard sees one: with the version its tokens must carry. */
export interface AgentCredentials extends AgentView {
  tokenVersion: number;
}

interface AgentRow {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  created_at: Date;
  password_hash: string;
  token_version: number;
}

export interface NewAgent {
  email: string;
  name: string;
  password: string;
  role: AgentRole;
}

export interface AgentChange {
  name?: string;
  role?: AgentRole;
  active?: boolean;
  password?: string;
}

export class AgentEmailTakenError extends Error {
  constructor(email: string) {
    super(`an agent with email ${email} already exists`);
  }
}

export class AgentNotFoundError extends Error {
  constructor(id: string) {
    super(`agent ${id} does not exist`);
  }
}

const COLUMNS = 'id, email, name, role, active, created_at, password_hash, token_version';
const toView = (row: AgentRow): AgentView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  active: row.active,
  createdAt: row.created_at.toISOString(),
});
const toCredentials = (row: AgentRow): AgentCredentials => ({ ...toView(row), tokenVersion: row.token_version });

/**
 * Verified against when the email is unknown or the agent disabled, so every failed login costs
 * one argon2 verification: the time of the answer does not tell which emails are agents'. Made
 * on first use, so the worker (which imports this file too) never pays for it.
 */
let dummyHash: Promise<string> | undefined;
const DUMMY_HASH = () => (dummyHash ??= argon2.hash('omnihub: no agent has this password'));

export class AgentsService {
  constructor(private readonly db: DataSource) {}

  async create(agent: NewAgent): Promise<AgentView> {
    const email = agent.email.trim().toLowerCase();
    const rows = await queryRows<AgentRow>(
      this.db,
      `INSERT INTO agents (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
      [email, agent.name, agent.role, await argon2.hash(agent.password)],
    );
    if (!rows[0]) throw new AgentEmailTakenError(email);
    return toView(rows[0]);
  }

  /** The configured admin, created only while there is no agent at all. */
  async bootstrapAdmin(email: string, password: string): Promise<AgentView | null> {
    const hash = await argon2.hash(password);
    const rows = await queryRows<AgentRow>(
      this.db,
      `INSERT INTO agents (email, name, role, password_hash)
       SELECT $1, 'Administrator', 'admin', $2 WHERE NOT EXISTS (SELECT 1 FROM agents)
       ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
      [email.trim().toLowerCase(), hash],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /**
   * The agent behind these credentials, or null; a disabled agent cannot log in. Unknown,
   * disabled and wrong-password all take one argon2 verification and give the same null.
   */
  async authenticate(email: string, password: string): Promise<AgentCredentials | null> {
    const row = await queryOne<AgentRow>(this.db, `SELECT ${COLUMNS} FROM agents WHERE email = $1`, [email.trim().toLowerCase()]);
    const matches = await argon2.verify(row?.password_hash ?? (await DUMMY_HASH()), password);
    return row && row.active && matches ? toCredentials(row) : null;
  }

  /** The agent if it still exists and is active: checked on every request and socket connect. */
  async findActive(id: string): Promise<AgentCredentials | null> {
    const row = await queryOne<AgentRow>(this.db, `SELECT ${COLUMNS} FROM agents WHERE id = $1 AND active`, [id]);
    return row ? toCredentials(row) : null;
  }

  async list(): Promise<AgentView[]> {
    return (await queryRows<AgentRow>(this.db, `SELECT ${COLUMNS} FROM agents ORDER BY created_at, id`)).map(toView);
  }

  async change(id: string, change: AgentChange): Promise<AgentView> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    if (change.name !== undefined) sets.push(`name = $${params.push(change.name)}`);
    if (change.role !== undefined) sets.push(`role = $${params.push(change.role)}`);
    if (change.active !== undefined) sets.push(`active = $${params.push(change.active)}`);
    if (change.password !== undefined) sets.push(`password_hash = $${params.push(await argon2.hash(change.password))}`);
    // A new password or a disabled agent ends every token issued before.
    if (change.password !== undefined || change.active === false) sets.push('token_version = token_version + 1');
    const rows = await queryRows<AgentRow>(this.db, `UPDATE agents SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
    if (!rows[0]) throw new AgentNotFoundError(id);
    return toView(rows[0]);
  }
}
