import type { ChannelRegistry, InboundInteraction, Intent } from '@omnihub/channels';
import type { DataSource } from 'typeorm';
import type { AcquisitionStep, LifecycleStage } from '../customers/customer.view';
import { queryRows } from '../database/sql';
import type { IngestReadFacts } from '../interactions/interaction-ingest.service';
import type { InteractionView } from '../interactions/interaction.view';
import { interactionSignalOf } from '../lifecycle/interaction-signal';
import { evaluateLifecycle, type LifecycleSignal } from '../lifecycle/lifecycle.rules';
import { itemCanRevealSign } from './attrition.rules';
import { RetentionEvaluationService, type EvaluationOutcome } from './retention-evaluation.service';
import { TASK_COLUMNS, toTaskView, type TaskRow, type TaskView } from './task.view';

export interface StoredInteraction {
  customerId: string;
  intent: Intent | null;
  /** Where the customer stood when the item was stored. */
  stage: LifecycleStage;
  acquisitionStep: AcquisitionStep | null;
  /** While at risk, the stage to return to; undefined when not known. */
  stageBeforeRisk?: LifecycleStage | null;
  /** The facts the ingest read with the item, and as of when; else they are read here. */
  facts?: IngestReadFacts | null;
}

const NOTHING: EvaluationOutcome = { evaluated: 0, customers: [], tasksCreated: [], tasksUpdated: [] };

export interface RetentionIngestOutcome extends EvaluationOutcome {
  /** The task this item reported on, now done. */
  taskDone: TaskView | null;
}

/**
 * The retention step after an item is stored: the task it reports on is done, the lifecycle
 * moves on what the item shows, and the signs new data reveals are checked, all for a constant
 * number of statements. Most items can change neither (a customer past the step they show, an
 * item no sign counts): those cost no statement at all. What a channel's item means (a call answered, a task worked) comes from
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
    const plugin = this.channels.find(item.channel);
    const worked = plugin?.ingest?.taskOutcomeOf?.(item);
    const taskDone = worked ? await this.closeTask(worked.taskId, worked.outcome, worked.partnerId) : null;
    if (item.kind === 'note') return { ...NOTHING, taskDone };
    // A new customer's first step was recorded by the ingest itself (startOfNewCustomer).
    const signal = interactionSignalOf(item, stored.intent, plugin);
    if (!canChange(stored, signal)) return { ...NOTHING, taskDone };
    const signals = new Map([[stored.customerId, { signal, occurredAt: new Date(item.occurredAt) }]]);
    const outcome = stored.facts
      ? await this.evaluation.evaluateFacts([stored.facts.row], stored.facts.at, 'ingest', signals, true)
      : await this.evaluation.evaluate([stored.customerId], this.now(), 'ingest', signals, true);
    return { ...outcome, taskDone };
  }

  /** An agent's reply (not a note) is the hub's side of a two-way contact. */
  async afterReply(reply: InteractionView): Promise<EvaluationOutcome> {
    const signal: LifecycleSignal = {
      kind: 'interaction',
      channel: reply.channel,
      direction: reply.direction,
      intent: null,
      twoWay: reply.kind === 'message',
    };
    return this.evaluation.evaluate(
      [reply.customerId],
      this.now(),
      'ingest',
      new Map([[reply.customerId, { signal, occurredAt: new Date(reply.occurredAt) }]]),
    );
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

/**
 * Whether the item can move the customer's lifecycle or reveal a sign, judged from the stage the
 * ingest read. At risk with the stage to return to unknown, it is taken as acquisition, the one in
 * which a step can still move, so the answer errs towards evaluating.
 */
function canChange(stored: StoredInteraction, signal: LifecycleSignal): boolean {
  if (signal.kind === 'interaction' && itemCanRevealSign({ intent: signal.intent })) return true;
  const state = {
    stage: stored.stage,
    acquisitionStep: stored.acquisitionStep,
    stageBeforeRisk:
      stored.stageBeforeRisk !== undefined ? stored.stageBeforeRisk : stored.stage === 'at_risk' ? ('acquisition' as const) : null,
  };
  return evaluateLifecycle(state, signal) !== null;
}
