import { Injectable } from '@nestjs/common';
import { SmsAdapter, SmsNotConfiguredError, SmsSendError, TWILIO_UNSUBSCRIBED_RECIPIENT } from '@omnihub/channels';
import { OutboundDeliveryService, SmsOptOutsService, type DeliveryFailure, type InteractionView } from '@omnihub/crm-core';
import { WorkerConfig } from '../config/worker-config';
import { AgentEventsPublisher } from '../realtime/agent-events.publisher';

export type SendOutcome = 'sent' | 'failed' | 'blocked' | 'already-handled';

/**
 * Sends one queued reply and records what became of it, live for agents. The opt-out is checked
 * again right before sending: a STOP that arrived after the reply was queued wins.
 */
@Injectable()
export class OutboundSender {
  private readonly statusCallbackUrl: string;

  constructor(
    private readonly delivery: OutboundDeliveryService,
    private readonly optOuts: SmsOptOutsService,
    private readonly sms: SmsAdapter,
    private readonly events: AgentEventsPublisher,
    config: WorkerConfig,
  ) {
    this.statusCallbackUrl = `${config.publicBaseUrl}/webhooks/twilio/status`;
  }

  /**
   * Throws only what is worth retrying (a provider outage, the network, the database), and only
   * before the last attempt; on the last one the reply is marked failed instead.
   */
  async send(interactionId: string, lastAttempt: boolean): Promise<SendOutcome> {
    const pending = await this.delivery.pending(interactionId);
    // Redelivered job: the reply was sent (or settled) by an earlier run.
    if (!pending || pending.deliveryStatus !== 'queued' || pending.providerId) return 'already-handled';
    if (pending.channel !== 'sms' || !pending.to) {
      return this.settle(interactionId, {
        deliveryStatus: 'failed',
        error: `replies on the ${pending.channel} channel cannot be sent`,
        errorCode: null,
      });
    }
    if (await this.optOuts.isOptedOut(pending.to)) {
      return this.settle(interactionId, {
        deliveryStatus: 'blocked',
        error: `${pending.to} opted out of SMS before this reply was sent`,
        errorCode: null,
      });
    }
    try {
      const sent = await this.sms.send({ to: pending.to, text: pending.text, statusCallbackUrl: this.statusCallbackUrl });
      await this.publish(
        await this.delivery.recordSent(interactionId, { providerId: sent.providerId, from: sent.from, deliveryStatus: sent.status }),
      );
      return 'sent';
    } catch (error) {
      const { retryable, failure } = failureOf(error);
      if (retryable && !lastAttempt) throw error;
      return this.settle(interactionId, failure);
    }
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
  if (error instanceof SmsNotConfiguredError) {
    return { retryable: false, failure: { deliveryStatus: 'failed', error: error.message, errorCode: null } };
  }
  if (error instanceof SmsSendError) {
    // Twilio keeps its own STOP list: a number that opted out there is blocked, not broken.
    const deliveryStatus = error.code === TWILIO_UNSUBSCRIBED_RECIPIENT ? 'blocked' : 'failed';
    return { retryable: error.retryable, failure: { deliveryStatus, error: error.message, errorCode: error.code } };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { retryable: true, failure: { deliveryStatus: 'failed', error: `could not be sent: ${detail}`, errorCode: null } };
}
