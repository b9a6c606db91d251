import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ChannelRegistry, type SmsAdapter, type TwilioWebhookParams } from '@omnihub/channels';
import type { FastifyRequest } from 'fastify';
import { ApiConfig } from '../../config/api-config';

/**
 * Twilio's webhooks prove themselves with `X-Twilio-Signature`, computed over the URL Twilio
 * requested (our public base URL, the path and the query string) and the form parameters.
 * Behind a proxy the request's own host is not what Twilio signed, hence PUBLIC_BASE_URL.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  private readonly sms: SmsAdapter;

  constructor(
    channels: ChannelRegistry,
    private readonly config: ApiConfig,
  ) {
    this.sms = channels.get('sms').twilio;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.sms.canVerifyWebhooks) {
      throw new ForbiddenException('Twilio webhooks are refused: TWILIO_AUTH_TOKEN is not configured, so no signature can be verified');
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const url = `${this.config.publicBaseUrl}${request.url}`;
    if (!this.sms.isSignedByTwilio(request.headers['x-twilio-signature'], url, formParams(request))) {
      // The URL we checked against stays out of the answer: it would tell a prober how to sign.
      throw new ForbiddenException('X-Twilio-Signature is missing or does not match this request');
    }
    return true;
  }
}

/** Only a form body carries Twilio's parameters; anything else is signed as no parameters. */
export function formParams(request: FastifyRequest): TwilioWebhookParams {
  const body: unknown = request.body;
  const isForm = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  return isForm && typeof body === 'object' && body !== null ? (body as TwilioWebhookParams) : {};
}
