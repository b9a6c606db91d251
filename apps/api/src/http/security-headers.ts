import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The contract's headers on every response: no MIME sniffing, and no page of the hub framed by
 * another site. A route that sets its own (the attachments' sandbox, the inbox page's CSP) keeps it.
 */
export function addSecurityHeaders(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply) => {
      if (!reply.hasHeader('x-content-type-options')) reply.header('X-Content-Type-Options', 'nosniff');
      if (!reply.hasHeader('x-frame-options')) reply.header('X-Frame-Options', 'DENY');
      if (!reply.hasHeader('referrer-policy')) reply.header('Referrer-Policy', 'no-referrer');
    });
}
