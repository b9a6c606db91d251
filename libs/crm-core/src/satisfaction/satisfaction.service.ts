import type { DataSource } from 'typeorm';
import { CONVERSATION_COLUMNS, toConversationView, type ConversationView } from '../conversations/conversation.view';
import { ConversationNotFoundError } from '../conversations/conversations.service';
import { queryOne, queryRows } from '../database/sql';
import type { OutboundMessagesService, PostedMessage } from '../outbound/outbound-messages.service';
import { OPEN_TASK_STATUSES, TASK_COLUMNS, toTaskView, type TaskRow, type TaskView } from '../retention/task.view';
import { decideSurvey, satisfactionTaskOf, surveyTextOf, type CsatScore, type SurveyDecision } from './survey.rules';

/** `CSAT_SURVEY`, and the survey's text per language with the one the hub writes in. */
export interface SurveySettings {
  enabled: boolean;
  texts: Readonly<Record<string, string>>;
  language: string;
}

export interface ScoreOutcome {
  conversation: ConversationView;
  /** The satisfaction task a low score opened or rewrote, with whether it is new. */
  task: { task: TaskView; created: boolean } | null;
}

const OPEN = `status IN (${OPEN_TASK_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * Satisfaction, delivery against expectation: the survey the hub sends when an agent resolves a
 * conversation (through the conversation's own channel, like an agent's reply), the score on the
 * conversation, and the `satisfaction` task a low score opens.
 */
export class SatisfactionService {
  constructor(
    private readonly db: DataSource,
    private readonly messages: OutboundMessagesService,
    private readonly settings: SurveySettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * After an agent resolved the conversation: the survey goes out when the survey table finds no
   * reason against it. Decided and stored under the conversation's lock, so two resolves at once
   * send one survey.
   */
  async afterResolve(conversationId: string): Promise<{ posted: PostedMessage | null; decision: SurveyDecision }> {
    const now = this.now();
    let decision: SurveyDecision = { send: false, rule: 'survey_off', reason: 'The survey is off (CSAT_SURVEY=false).' };
    if (!this.settings.enabled) return { posted: null, decision };
    const text = surveyTextOf(this.settings.texts, this.settings.language);
    const posted = await this.messages.postFromHub(conversationId, text, { survey: true }, async (tx, conversation, target) => {
      const facts = await queryOne<{ survey_sent_at: Date | null; has_inbound: boolean; automatic: boolean | null }>(
        tx,
        `SELECT cv.survey_sent_at, last.automatic IS NOT NULL AS has_inbound, last.automatic
           FROM conversations cv
           LEFT JOIN LATERAL (SELECT i.metadata ? 'automatic' AS automatic FROM interactions i
                               WHERE i.conversation_id = cv.id AND i.direction = 'inbound' AND i.kind = 'message'
                               ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1) last ON true
          WHERE cv.id = $1`,
        [conversation.id],
      );
      decision = decideSurvey(
        {
          enabled: true,
          status: conversation.status,
          channelSends: target !== null,
          refusal: target instanceof Error ? target.message : null,
          lastInboundAutomatic: facts?.automatic === true,
          hasInbound: facts?.has_inbound === true,
          lastSurveyAt: facts?.survey_sent_at ?? null,
        },
        now,
      );
      if (decision.send) await tx.query('UPDATE conversations SET survey_sent_at = $2 WHERE id = $1', [conversation.id, now]);
      return decision.send;
    });
    return { posted, decision };
  }

  /** A score an agent was given another way (on a call): it replaces any earlier one. */
  async record(conversationId: string, csat: CsatScore): Promise<ScoreOutcome> {
    const [row] = await queryRows<{ id: string }>(
      this.db,
      `UPDATE conversations SET csat_score = $2, csat_comment = $3, csat_responded_at = $4, updated_at = now() WHERE id = $1 RETURNING id`,
      [conversationId, csat.score, csat.comment, this.now()],
    );
    if (!row) throw new ConversationNotFoundError(conversationId);
    const conversation = await this.conversation(conversationId);
    return { conversation, task: await this.afterScore(conversation) };
  }

  /**
   * After a score was stored (an answer, a call's score, an agent's record): a low one opens the
   * conversation's `satisfaction` task, or rewrites the open one's reason.
   */
  async afterScore(conversation: Pick<ConversationView, 'id' | 'channel' | 'customer' | 'csat'>): Promise<ScoreOutcome['task']> {
    const task = conversation.csat && satisfactionTaskOf(conversation.csat, conversation.channel);
    if (!task) return null;
    const [row] = await queryRows<TaskRow & { inserted: boolean }>(
      this.db,
      `INSERT INTO retention_tasks (customer_id, kind, reason, severity, conversation_id) VALUES ($1, 'satisfaction', $2, $3, $4)
       ON CONFLICT (conversation_id) WHERE kind = 'satisfaction' AND ${OPEN}
       DO UPDATE SET reason = EXCLUDED.reason, updated_at = now()
       RETURNING ${TASK_COLUMNS}, (xmax = 0) AS inserted`,
      [conversation.customer.id, task.reason, task.severity, conversation.id],
    );
    return { task: toTaskView(row), created: row.inserted };
  }

  private async conversation(id: string): Promise<ConversationView> {
    const row = await queryOne<Parameters<typeof toConversationView>[0]>(
      this.db,
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations cv JOIN customers cu ON cu.id = cv.customer_id WHERE cv.id = $1`,
      [id],
    );
    if (!row) throw new ConversationNotFoundError(id);
    return toConversationView(row);
  }
}
