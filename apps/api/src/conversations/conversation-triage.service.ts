import { Injectable, Logger } from '@nestjs/common';
import {
  ConversationsService,
  SatisfactionService,
  type ConversationChange,
  type ConversationView,
  type CsatScore,
} from '@omnihub/crm-core';
import { AgentEventsService } from '../realtime/agent-events.service';
import { ConversationMessagesService } from './conversation-messages.service';

/**
 * An agent's triage of a conversation and what follows it: resolving sends the satisfaction
 * survey (when the survey table allows), and a recorded score may open a satisfaction task.
 */
@Injectable()
export class ConversationTriageService {
  private readonly logger = new Logger(ConversationTriageService.name);

  constructor(
    private readonly conversations: ConversationsService,
    private readonly satisfaction: SatisfactionService,
    private readonly messages: ConversationMessagesService,
    private readonly events: AgentEventsService,
  ) {}

  async change(id: string, change: ConversationChange): Promise<ConversationView> {
    let conversation = await this.conversations.change(id, change);
    this.events.emit('conversation.updated', { conversation });
    if (change.status === 'resolved') {
      const survey = await this.satisfaction.afterResolve(id);
      if (survey.posted) {
        await this.messages.send(survey.posted);
        conversation = survey.posted.conversation;
      } else {
        this.logger.debug(`conversation ${id}: no survey (${survey.decision.send ? 'sent' : survey.decision.rule})`);
      }
    }
    return conversation;
  }

  async recordCsat(id: string, csat: CsatScore): Promise<ConversationView> {
    const { conversation, task } = await this.satisfaction.record(id, csat);
    this.events.emit('conversation.updated', { conversation });
    if (task) this.events.emit(task.created ? 'task.created' : 'task.updated', { task: task.task });
    return conversation;
  }
}
