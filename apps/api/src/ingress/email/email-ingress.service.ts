import { timingSafeEqual } from 'node:crypto';
import { BadRequestException, Injectable, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ChannelRegistry, type EmailChannel, type EmailInboundContext } from '@omnihub/channels';
import { DeliveryStatusQueue } from '../delivery-status-queue.service';
import { IngressQueue } from '../ingress-queue.service';

/** What became of one received message. */
export type EmailReceipt =
  { kind: 'interaction'; interactionId: string } | { kind: 'delivery-report'; messageId: string } | { kind: 'ignored'; reason: string };

/**
 * The one way a raw message enters, by SMTP or by webhook: parsed by the email plug-in, then
 * queued durably as an interaction, or as a delivery report when it bounces one of our replies.
 * Throws BadRequestException for what is no message, ServiceUnavailableException (from the
 * queues) when nothing could be kept.
 */
@Injectable()
export class EmailIngress {
  private readonly logger = new Logger(EmailIngress.name);
  readonly email: EmailChannel;

  constructor(
    channels: ChannelRegistry,
    private readonly ingress: IngressQueue,
    private readonly deliveryStatuses: DeliveryStatusQueue,
  ) {
    this.email = channels.get('email');
  }

  get maxMessageBytes(): number {
    return this.email.settings.inbound.maxMessageBytes;
  }

  async receive(raw: Buffer, via: EmailInboundContext['via']): Promise<EmailReceipt> {
    if (raw.length === 0) throw invalid([{ path: 'message', message: 'the message is empty' }]);
    const parsed = await this.email.parse(raw, { receivedAt: new Date(), via });
    if (!parsed.ok) throw invalid(parsed.errors);
    const result = parsed.value;
    switch (result.kind) {
      case 'interaction':
        return { kind: 'interaction', interactionId: await this.ingress.accept(result.interaction) };
      case 'delivery-report':
        await this.deliveryStatuses.enqueue(result.report);
        return { kind: 'delivery-report', messageId: result.report.providerId };
      case 'ignored':
        this.logger.log(`ignored a message received by ${via}: ${result.reason}`);
        return result;
    }
  }

  /** `POST /webhooks/email` exists only with EMAIL_WEBHOOK_TOKEN, and only for its holder. */
  checkWebhookToken(authorization: string | string[] | undefined): void {
    const token = this.email.settings.webhookToken;
    if (!token)
      throw new NotFoundException('Cannot POST /webhooks/email: the email webhook is not enabled (EMAIL_WEBHOOK_TOKEN is not set)');
    const given = typeof authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1] : undefined;
    if (!given || !sameSecret(given, token)) {
      throw new UnauthorizedException('The email webhook needs Authorization: Bearer <EMAIL_WEBHOOK_TOKEN>; nothing was stored');
    }
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function invalid(errors: { path: string; message: string }[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    message: `Invalid email message; nothing was stored: ${errors.map((e) => e.message).join('; ')}`,
    errors,
  });
}
