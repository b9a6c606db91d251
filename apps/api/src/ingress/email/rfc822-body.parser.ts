import { Injectable, PayloadTooLargeException, UnsupportedMediaTypeException, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EmailIngress } from './email-ingress.service';

export const EMAIL_WEBHOOK_PATH = '/webhooks/email';

/**
 * Reads `message/rfc822` bodies for the email webhook as raw bytes, up to the inbound size limit
 * (JSON keeps its own 1 MB). The token is checked before the body is read, so nobody without it
 * can make the hub buffer 25 MiB.
 */
@Injectable()
export class Rfc822BodyParser implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly email: EmailIngress,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const limit = this.email.maxMessageBytes;
    fastify.addContentTypeParser('message/rfc822', (request, payload, done) => {
      try {
        if (request.routeOptions.url !== EMAIL_WEBHOOK_PATH)
          throw new UnsupportedMediaTypeException('Unsupported Content-Type: send application/json');
        this.email.checkWebhookToken(request.headers.authorization);
        if (Number(request.headers['content-length']) > limit) throw tooLarge(limit);
      } catch (error) {
        payload.resume();
        return done(error as Error, undefined);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (error: Error | null, body?: Buffer) => {
        if (settled) return;
        settled = true;
        done(error, body);
      };
      payload.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          payload.removeAllListeners('data');
          payload.resume();
          return finish(tooLarge(limit));
        }
        chunks.push(chunk);
      });
      payload.on('end', () => finish(null, Buffer.concat(chunks)));
      payload.on('error', (error) => finish(error));
    });
  }
}

function tooLarge(limit: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`The message is larger than ${limit} bytes, the inbound email size limit; nothing was stored`);
}
