import { Injectable } from '@nestjs/common';
import { ChannelRegistry, ChannelSendError, type SendResult, type SqlClient } from '@omnihub/channels';
import { OutboundDeliveryService, queryRows, type DeliveryFailure, type InteractionView } from '@omnihub/crm-core';
import { DataSource } from 'typeorm';
import { AgentEventsPublisher } from '../realtime/agent-events.publisher';

export type SendOutcome = 'sent' | 'failed' | 'blocked' | 'already-handled';

/**
 * Sends one queued reply through its channel's plug-in and records what became of it, live for
 * agents. The plug-in checks again right before sending whether the reply may still go (a STOP
 * that arrived after the reply was queued wins).
 */
@Injectable()
export class OutboundSender {
  private readonly sql: SqlClient;

  constructor(
    private readonly delivery: OutboundDeliveryService,
    private readonly channels: ChannelRegistry,
    private readonly events: AgentEventsPublisher,
    db: DataSource,
  ) {
    this.sql = { query: (text, values) => queryRows(db, text, values) };
  }

  /**
   * Throws only what is worth retrying (a provider outage, the network, the database), and only
   * before the last attempt; on the last one the reply is marked failed instead.
   */
  async send(interactionId: string, lastAttempt: boolean): Promise<SendOutcome> {
    const pending = await this.delivery.pending(interactionId);
    // Redelivered job: the reply was sent (or settled) by an earlier run.
    if (!pending || pending.deliveryStatus !== 'queued' || pending.providerId) return 'already-handled';
    const replies = this.channels.find(pending.channel)?.replies;
    if (!replies || !pending.target) {
      return this.settle(interactionId, {
        deliveryStatus: 'failed',
        error: `replies on the ${pending.channel} channel cannot be sent`,
        errorCode: null,
      });
    }
    const blocked = await replies.blockedReason?.(this.sql, pending.target);
    if (blocked) return this.settle(interactionId, { deliveryStatus: 'blocked', error: blocked, errorCode: null });
    let sent: SendResult;
    try {
      sent = await replies.send({ interactionId, text: pending.text, target: pending.target });
    } catch (error) {
      const { retryable, failure } = failureOf(error);
      if (retryable && !lastAttempt) throw error;
      return this.settle(interactionId, failure);
    }
    await this.publish(
      await this.delivery.recordSent(interactionId, {
        providerId: sent.providerId,
        deliveryStatus: sent.status,
        metadata: sent.metadata ?? {},
      }),
    );
    return 'sent';
  }

  private async settle(interactionId: string, failure: DeliveryFailure): Promise<SendOutcome> {
    const interaction = await this.delivery.recordFailure(interactionId, failure);
    if (!interaction) return 'already-handled';
    await this.publish(interaction);
    return failure.deliveryStatus;
  }

  private publish(interaction: InteractionView): Promise<void> {
    return this.events.publish([['interaction.updated', { interaction }]]);
  }
}

function failureOf(error: unknown): { retryable: boolean; failure: DeliveryFailure } {
  if (error instanceof ChannelSendError) {
    return { retryable: error.retryable, failure: { deliveryStatus: error.deliveryStatus, error: error.message, errorCode: error.code } };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { retryable: true, failure: { deliveryStatus: 'failed', error: `could not be sent: ${detail}`, errorCode: null } };
}
