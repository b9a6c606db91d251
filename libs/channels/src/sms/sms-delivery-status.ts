import type { DeliveryStatus } from '../interaction';

/**
 * Twilio's MessageStatus values for an outbound message, folded into the contract's delivery
 * statuses. `read` (WhatsApp) implies delivered; `canceled` (a scheduled message withdrawn)
 * never went out. Inbound-only values (`receiving`, `received`) are not delivery news.
 */
export const TWILIO_MESSAGE_STATUSES: Readonly<Record<string, DeliveryStatus>> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

export function deliveryStatusOfTwilio(messageStatus: string): DeliveryStatus | undefined {
  return Object.hasOwn(TWILIO_MESSAGE_STATUSES, messageStatus) ? TWILIO_MESSAGE_STATUSES[messageStatus] : undefined;
}

/** Twilio's error for a message to a number that has replied STOP to the sender. */
export const TWILIO_UNSUBSCRIBED_RECIPIENT = 21610;
