import { BadRequestException, Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ChannelRegistry, type InputError, type SmsAdapter, type TwilioWebhookParams } from '@omnihub/channels';
import type { FastifyReply } from 'fastify';
import { Public } from '../../auth/access.decorators';
import { IngressQueue } from '../ingress-queue.service';
import { DeliveryStatusQueue } from '../delivery-status-queue.service';
import { TwilioSignatureGuard } from './twilio-signature.guard';

/** TwiML that tells Twilio to send nothing back: agents answer from the inbox. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Twilio's webhooks: public routes that prove themselves with Twilio's signature instead. */
@ApiTags('webhooks')
@ApiConsumes('application/x-www-form-urlencoded')
@ApiHeader({ name: 'X-Twilio-Signature', required: true })
@Public()
@UseGuards(TwilioSignatureGuard)
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  private readonly sms: SmsAdapter;

  constructor(
    channels: ChannelRegistry,
    private readonly ingress: IngressQueue,
    private readonly deliveryStatuses: DeliveryStatusQueue,
  ) {
    this.sms = channels.get('sms').twilio;
  }

  /** An inbound SMS or MMS; a redelivered MessageSid is accepted again and stored once. */
  @Post('sms')
  @HttpCode(200)
  async inbound(@Body() params: TwilioWebhookParams, @Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    const parsed = this.sms.parseInbound(params, { receivedAt: new Date() });
    if (!parsed.ok) throw invalid(parsed.errors);
    await Promise.all(parsed.value.map((item) => this.ingress.accept(item)));
    // Set here, not with @Header: that would also label the JSON of an error as XML.
    response.type('text/xml');
    return EMPTY_TWIML;
  }

  /** Delivery news about a reply the hub sent with a status callback. */
  @Post('status')
  @HttpCode(204)
  async status(@Body() params: TwilioWebhookParams): Promise<void> {
    const parsed = this.sms.parseStatusCallback(params);
    if (!parsed.ok) throw invalid(parsed.errors);
    const { messageSid, messageStatus, deliveryStatus, errorCode } = parsed.value;
    await this.deliveryStatuses.enqueue({
      channel: 'sms',
      providerId: messageSid,
      providerStatus: messageStatus,
      deliveryStatus,
      errorCode,
    });
  }
}

function invalid(errors: InputError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    message: `Invalid Twilio webhook; nothing was stored: ${errors.map((e) => e.message).join('; ')}`,
    errors,
  });
}
