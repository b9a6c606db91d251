import type { DataSource } from 'typeorm';
import type { CustomerSummary, LifecycleStage } from '../customers/customer.view';
import { CustomerNotFoundError } from '../customers/customer-merge.service';
import { queryOne, queryRows, type Db } from '../database/sql';
import type { BusinessEventType } from '../lifecycle/lifecycle.rules';
import type { RetentionEvaluationService } from '../retention/retention-evaluation.service';
import { OPEN_TASK_STATUSES, TASK_COLUMNS, toTaskView, type TaskRow, type TaskView } from '../retention/task.view';
import { planReacquisition, REACQUIRED_OUTCOME, type DefectionFacts, type DefectorType } from './defection.rules';

export interface DefectionInput {
  type: DefectorType;
  note?: string;
  occurredAt?: string;
}

/** What a defection or a business event changed, for the caller to tell agents. */
export interface DefectionOutcome {
  customers: CustomerSummary[];
  tasksCreated: TaskView[];
  tasksUpdated: TaskView[];
}

interface DefectionRow {
  type: DefectorType | null;
  note: string | null;
  occurred_at: Date;
}

const OPEN = `status IN (${OPEN_TASK_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * Defection and re-acquisition: the defection with its type (recorded by an agent, or unknown
 * after a cancellation), one `reacquisition` task due `waitDays` after it whose reason the
 * defection table writes, and that task done when a purchase or renewal wins the customer back.
 */
export class DefectionService {
  constructor(
    private readonly db: DataSource,
    private readonly evaluation: RetentionEvaluationService,
    private readonly waitDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * An agent records why the customer left: the customer becomes `defected` (if not already),
   * the open defection gets its type, and the re-acquisition task its reason.
   */
  async record(customerId: string, input: DefectionInput): Promise<DefectionOutcome & { customerId: string }> {
    const id = await this.currentId(customerId);
    const at = input.occurredAt ? new Date(input.occurredAt) : this.now();
    const moved = await this.evaluation.evaluate(
      [id],
      this.now(),
      'ingest',
      new Map([[id, { signal: { kind: 'defection' as const, type: input.type }, occurredAt: at }]]),
    );
    const task = await this.db.transaction(async (tx) => {
      const [defection] = await queryRows<DefectionRow>(
        tx,
        // A cancellation's defection keeps its time unless the agent gives another.
        `INSERT INTO customer_defections AS d (customer_id, type, note, occurred_at) VALUES ($1, $2, $3, $5)
         ON CONFLICT (customer_id) WHERE reacquired_at IS NULL DO UPDATE SET
           type = EXCLUDED.type, note = COALESCE(EXCLUDED.note, d.note), occurred_at = COALESCE($4::timestamptz, d.occurred_at)
         RETURNING type, note, occurred_at`,
        [id, input.type, input.note ?? null, input.occurredAt ?? null, at],
      );
      return this.openTask(tx, id, defection);
    });
    return { customerId: id, customers: moved.customers, ...split([task]) };
  }

  /**
   * After a business event and the lifecycle move it made: a cancellation that left the customer
   * `defected` opens a defection of unknown type (once: a second cancellation adds nothing); a
   * purchase or renewal that made the customer `reacquired` closes the defection and its task.
   */
  async afterEvent(
    customerId: string,
    type: BusinessEventType,
    occurredAt: Date,
    movedTo: LifecycleStage | null,
  ): Promise<DefectionOutcome> {
    const none: DefectionOutcome = { customers: [], tasksCreated: [], tasksUpdated: [] };
    if (type === 'cancellation') {
      return this.db.transaction(async (tx) => {
        const [defection] = await queryRows<DefectionRow>(
          tx,
          `INSERT INTO customer_defections (customer_id, occurred_at)
           SELECT id, $2 FROM customers WHERE id = $1 AND lifecycle_stage = 'defected'
           ON CONFLICT (customer_id) WHERE reacquired_at IS NULL DO NOTHING RETURNING type, note, occurred_at`,
          [customerId, occurredAt],
        );
        return defection ? { ...none, ...split([await this.openTask(tx, customerId, defection)]) } : none;
      });
    }
    if ((type === 'purchase' || type === 'renewal') && movedTo === 'reacquired') {
      const done = await queryRows<TaskRow>(
        this.db,
        `WITH back AS (
           UPDATE customer_defections SET reacquired_at = $2 WHERE customer_id = $1 AND reacquired_at IS NULL RETURNING id
         )
         UPDATE retention_tasks SET status = 'done', outcome = $3, updated_at = now()
          WHERE customer_id = $1 AND kind = 'reacquisition' AND ${OPEN} RETURNING ${TASK_COLUMNS}`,
        [customerId, occurredAt, REACQUIRED_OUTCOME],
      );
      return { ...none, tasksUpdated: done.map(toTaskView) };
    }
    return none;
  }

  /** One open re-acquisition task per customer: a new defection fact rewrites its reason and due date. */
  private async openTask(tx: Db, customerId: string, row: DefectionRow): Promise<TaskRow & { inserted: boolean }> {
    const facts: DefectionFacts = { type: row.type, note: row.note, occurredAt: row.occurred_at };
    const plan = planReacquisition(facts, this.waitDays);
    const [task] = await queryRows<TaskRow & { inserted: boolean }>(
      tx,
      `INSERT INTO retention_tasks (customer_id, kind, reason, severity, due_at) VALUES ($1, 'reacquisition', $2, 'medium', $3)
       ON CONFLICT (customer_id) WHERE kind = 'reacquisition' AND ${OPEN}
       DO UPDATE SET reason = EXCLUDED.reason, due_at = EXCLUDED.due_at, updated_at = now()
       RETURNING ${TASK_COLUMNS}, (xmax = 0) AS inserted`,
      [customerId, plan.reason, plan.dueAt],
    );
    return task;
  }

  private async currentId(customerId: string): Promise<string> {
    const row = await queryOne<{ id: string }>(
      this.db,
      `SELECT COALESCE((SELECT into_id FROM customer_merges WHERE merged_id = $1), (SELECT id FROM customers WHERE id = $1)) AS id`,
      [customerId],
    );
    if (!row?.id) throw new CustomerNotFoundError(customerId);
    return row.id;
  }
}

function split(tasks: Array<TaskRow & { inserted: boolean }>): Pick<DefectionOutcome, 'tasksCreated' | 'tasksUpdated'> {
  return {
    tasksCreated: tasks.filter((t) => t.inserted).map(toTaskView),
    tasksUpdated: tasks.filter((t) => !t.inserted).map(toTaskView),
  };
}
