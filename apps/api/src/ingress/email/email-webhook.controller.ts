import { BadRequestException, Body, Controller, Headers, HttpCode, Post, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/access.decorators';
import { EmailIngress, type EmailReceipt } from './email-ingress.service';
import { EMAIL_WEBHOOK_PATH } from './rfc822-body.parser';

/**
 * Raw RFC 5322 messages forwarded by an inbound-mail relay, authenticated with the bearer token
 * `EMAIL_WEBHOOK_TOKEN` (checked again here; the body parser checked it before reading).
 */
@ApiTags('webhooks')
@ApiConsumes('message/rfc822')
@ApiBearerAuth()
@Public()
@Controller()
export class EmailWebhookController {
  constructor(private readonly email: EmailIngress) {}

  @Post(EMAIL_WEBHOOK_PATH.slice(1))
  @HttpCode(202)
  @ApiBody({ description: 'the raw message, headers and body, as received', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({
    status: 202,
    description:
      'durably queued: `{kind: "interaction", interactionId}`, `{kind: "delivery-report", messageId}` for a bounce of a reply, or `{kind: "ignored", reason}`',
  })
  @ApiResponse({ status: 401, description: 'missing or wrong bearer token' })
  @ApiResponse({ status: 404, description: 'EMAIL_WEBHOOK_TOKEN is not set' })
  @ApiResponse({ status: 400, description: 'not a message (no sender); nothing stored' })
  @ApiResponse({ status: 413, description: 'over the inbound size limit (EMAIL_MAX_MESSAGE_BYTES); nothing stored' })
  @ApiResponse({ status: 415, description: 'the body is not message/rfc822' })
  @ApiResponse({ status: 503, description: 'the queue is down; nothing stored, retry' })
  async receive(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<EmailReceipt> {
    this.email.checkWebhookToken(authorization);
    if (body === undefined || body === null)
      throw new BadRequestException(
        'The request carries no message: send the raw RFC 5322 message as the body, Content-Type: message/rfc822; nothing was stored',
      );
    if (!Buffer.isBuffer(body))
      throw new UnsupportedMediaTypeException('Send the raw RFC 5322 message with Content-Type: message/rfc822; nothing was stored');
    return this.email.receive(body, 'webhook');
  }
}
