import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import {
  OUTBOUND_SEND_JOB,
  OUTBOUND_SEND_QUEUE,
  OutboundDeliveryService,
  OutboundMessagesService,
  RetentionIngestService,
  outboundSendJobId,
  type AgentView,
  type InteractionView,
  type NewConversationMessage,
  type OutboundSendJob,
  type PostedMessage,
} from '@omnihub/crm-core';
import type { Queue } from 'bullmq';
import { AgentEventsService } from '../realtime/agent-events.service';

/**
 * An agent's message: stored at once (a reply as `queued`), handed to the worker for sending,
 * and shown live to every agent. Notes are only stored.
 */
@Injectable()
export class ConversationMessagesService {
  private readonly logger = new Logger(ConversationMessagesService.name);

  constructor(
    private readonly messages: OutboundMessagesService,
    private readonly delivery: OutboundDeliveryService,
    private readonly events: AgentEventsService,
    private readonly retention: RetentionIngestService,
    @InjectQueue(OUTBOUND_SEND_QUEUE) private readonly outbound: Queue<OutboundSendJob>,
  ) {}

  async post(conversationId: string, agent: AgentView, message: NewConversationMessage): Promise<{ interaction: InteractionView }> {
    const posted = await this.messages.post(conversationId, { agentId: agent.id, agentName: agent.name }, message);
    const { interaction, queueFailure } = await this.send(posted);
    if (interaction.kind === 'message') {
      const moved = await this.retention.afterReply(interaction);
      for (const customer of moved.customers) this.events.emit('customer.updated', { customer });
    }
    if (queueFailure) throw new ServiceUnavailableException(`The reply was stored but ${queueFailure.error}; send it again shortly.`);
    return { interaction };
  }

  /** A stored message (an agent's or the hub's own) queued for sending and shown to agents. */
  async send(posted: PostedMessage) {
    let { interaction } = posted;
    const queueFailure = interaction.deliveryStatus === 'queued' ? await this.queueForSending(interaction) : null;
    if (queueFailure) interaction = (await this.delivery.recordFailure(interaction.id, queueFailure)) ?? interaction;
    this.events.emit('interaction.created', { interaction });
    this.events.emit('conversation.updated', { conversation: posted.conversation });
    return { interaction, queueFailure };
  }

  /** A reply that cannot be queued is marked failed rather than left `queued` forever. */
  private async queueForSending(interaction: InteractionView) {
    const job: OutboundSendJob = { interactionId: interaction.id };
    try {
      await this.outbound.add(OUTBOUND_SEND_JOB, job, { jobId: outboundSendJobId(job) });
      return null;
    } catch (error) {
      this.logger.error(`could not queue reply ${interaction.id}: ${(error as Error).message}`);
      return { deliveryStatus: 'failed' as const, error: 'could not be queued for sending (the queue is unavailable)', errorCode: null };
    }
  }
}
