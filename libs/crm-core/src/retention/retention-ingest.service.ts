import type { ChannelRegistry, InboundInteraction, Intent } from '@omnihub/channels';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import type { InteractionView } from '../interactions/interaction.view';
import { RetentionEvaluationService, type EvaluationOutcome } from './retention-evaluation.service';
import { TASK_COLUMNS, toTaskView, type TaskRow, type TaskView } from './task.view';

export interface StoredInteraction {
  customerId: string;
  intent: Intent | null;
  /** The customer was first seen with this item. */
  created: boolean;
}

export interface RetentionIngestOutcome extends EvaluationOutcome {
  /** The task this item reported on, now done. */
  taskDone: TaskView | null;
}

/**
 * The retention step after an item is stored: the task it reports on is done, the lifecycle
 * moves on what the item shows, and the signs new data reveals are checked, all for a constant
 * number of statements. What a channel's item means (a call answered, a task worked) comes from
 * its plug-in's ingest hooks.
 */
export class RetentionIngestService {
  constructor(
    private readonly db: DataSource,
    private readonly channels: ChannelRegistry,
    private readonly evaluation: RetentionEvaluationService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async afterIngest(item: InboundInteraction, stored: StoredInteraction): Promise<RetentionIngestOutcome> {
    const hooks = this.channels.find(item.channel)?.ingest;
    const worked = hooks?.taskOutcomeOf?.(item);
    const taskDone = worked ? await this.closeTask(worked.taskId, worked.outcome, worked.partnerId) : null;
    if (item.kind === 'note') {
      return { evaluated: 0, customers: [], tasksCreated: [], tasksUpdated: [], taskDone };
    }
    const twoWay = hooks?.twoWay?.(item) ?? (item.direction === 'outbound' && item.kind === 'message');
    const signal = {
      signal: { kind: 'interaction' as const, channel: item.channel, direction: item.direction, intent: stored.intent, twoWay },
      occurredAt: new Date(item.occurredAt),
      created: stored.created,
    };
    const outcome = await this.evaluation.evaluate([stored.customerId], this.now(), 'ingest', new Map([[stored.customerId, signal]]), true);
    return { ...outcome, taskDone };
  }

  /** An agent's reply (not a note) is the hub's side of a two-way contact. */
  async afterReply(reply: InteractionView): Promise<EvaluationOutcome> {
    const signal = {
      signal: {
        kind: 'interaction' as const,
        channel: reply.channel,
        direction: reply.direction,
        intent: null,
        twoWay: reply.kind === 'message',
      },
      occurredAt: new Date(reply.occurredAt),
    };
    return this.evaluation.evaluate([reply.customerId], this.now(), 'ingest', new Map([[reply.customerId, signal]]));
  }

  /** A task already done or dismissed keeps its status; another partner's task is not touched. */
  private async closeTask(taskId: string, outcome: string, partnerId: string): Promise<TaskView | null> {
    const [row] = await queryRows<TaskRow>(
      this.db,
      `UPDATE retention_tasks SET status = 'done', outcome = $2, updated_at = now()
        WHERE id = $1 AND partner_id = $3 AND status IN ('open', 'in_progress') RETURNING ${TASK_COLUMNS}`,
      [taskId, outcome, partnerId],
    );
    return row ? toTaskView(row) : null;
  }
}
