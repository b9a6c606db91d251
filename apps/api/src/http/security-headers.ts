import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Content-Security-Policy by path prefix, the longest prefix first wins. Pages that run script
 * (the inbox at `/`, the chat demo) take script only from the hub's own files, never inline, so
 * injected markup cannot run; every other answer (JSON, files) may load nothing at all. A page
 * that needs more (say, the inbox loading its fonts) gets a row of its own here, not a looser
 * default. A handler that sets its own policy (attachments: `sandbox`) keeps it.
 */
const SELF_SCRIPTS = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOTHING = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const CONTENT_SECURITY_POLICIES: ReadonlyArray<{ prefix: string; policy: string }> = [
  { prefix: '/chat-demo', policy: SELF_SCRIPTS },
  // Swagger UI: its own files, but it sets inline styles and loads its logo as a data: URL.
  { prefix: '/api/docs', policy: SELF_SCRIPTS.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") },
  { prefix: '/api/', policy: NOTHING },
  { prefix: '/webhooks/', policy: NOTHING },
  { prefix: '/health', policy: NOTHING },
  { prefix: '/metrics', policy: NOTHING },
  // The inbox web app and whatever else is served from the root.
  { prefix: '/', policy: SELF_SCRIPTS },
];

const LONGEST_FIRST = [...CONTENT_SECURITY_POLICIES].sort((a, b) => b.prefix.length - a.prefix.length);

export function contentSecurityPolicyFor(url: string): string {
  const path = url.split('?', 1)[0];
  return (LONGEST_FIRST.find(({ prefix }) => path.startsWith(prefix)) ?? LONGEST_FIRST[LONGEST_FIRST.length - 1]).policy;
}

/**
 * helmet's headers (nosniff, `X-Frame-Options`, HSTS, referrer policy, …), worked out once: with
 * the policy set per path above, none of them depends on the request. (@fastify/helmet built
 * helmet's middleware again for every request, a tenth of a webhook's cost in the api.)
 */
export function helmetHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name] = String(value);
    },
    removeHeader: () => undefined,
  };
  const middleware = helmet({ contentSecurityPolicy: false, frameguard: { action: 'deny' } });
  middleware({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * helmet's headers and the policy above on every answer. Cross-origin reads stay possible where
 * they are meant to be: the widget script sets `Cross-Origin-Resource-Policy: cross-origin` itself.
 */
export function applySecurityHeaders(app: NestFastifyApplication): void {
  const headers = helmetHeaders();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      void reply.headers(headers).header('Content-Security-Policy', contentSecurityPolicyFor(request.url));
      done();
    });
}
