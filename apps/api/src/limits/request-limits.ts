import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiConfig } from '../config/api-config';
import { drainBody } from '../http/drain-body';
import { fingerprint, RateLimiter, type WindowCount } from './rate-limiter.service';

const WINDOW_MS = 60_000;

interface Counter {
  /** Names the counter in Redis and in the 429's message. */
  name: string;
  /** The counted value for this request (the key, the address), or null when it does not apply. */
  of: (request: FastifyRequest) => string | null;
  perMinute: number;
}

const apiKeyOf = (request: FastifyRequest) => {
  const key = request.headers['x-api-key'];
  return typeof key === 'string' && key ? fingerprint(key) : null;
};

/**
 * Per-key and per-address limits on the partner API and the webhooks (CONTRACT.md, "Limits"),
 * counted in Redis so they hold across api instances. Checked in Fastify's `onRequest`, before a
 * body is parsed: a flood is turned away for the price of one Redis round trip. Should Redis not
 * answer, the request goes on: the route itself then answers 503 (it needs Redis to queue
 * anything), and a limiter outage must not turn into an outage of the partner API.
 */
@Injectable()
export class RequestLimits {
  private readonly groups: Array<{ matches: (route: string) => boolean; counters: Counter[] }>;

  constructor(
    private readonly limiter: RateLimiter,
    config: ApiConfig,
  ) {
    const { partnerPerKey, partnerPerAddress, webhooksPerAddress } = config.requestLimits;
    this.groups = [
      {
        matches: (route) => route === '/api/call-logs' || route.startsWith('/api/partner/'),
        counters: [
          { name: 'partner-key', of: apiKeyOf, perMinute: partnerPerKey },
          { name: 'partner-address', of: (r) => r.ip, perMinute: partnerPerAddress },
        ],
      },
      {
        matches: (route) => route.startsWith('/webhooks/'),
        counters: [{ name: 'webhook-address', of: (r) => r.ip, perMinute: webhooksPerAddress }],
      },
    ];
  }

  /** Fastify's onRequest hook. */
  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = request.routeOptions.url;
    const group = route ? this.groups.find((g) => g.matches(route)) : undefined;
    if (!group) return;
    let over: { counter: Counter; count: WindowCount } | undefined;
    try {
      for (const counter of group.counters) {
        const value = counter.of(request);
        if (value === null) continue;
        const count = await this.limiter.hit(`${counter.name}:${value}`, WINDOW_MS);
        if (count.count > counter.perMinute) over ??= { counter, count };
      }
    } catch {
      // The outage itself is logged once by the Redis connection's watcher, not per request.
      return;
    }
    if (!over) return;
    const by = over.counter.name.endsWith('key') ? 'for this API key' : 'from this address';
    const body = {
      statusCode: 429,
      message: `Too many requests ${by}: at most ${over.counter.perMinute} a minute; retry after ${over.count.retryAfterSeconds} s`,
    };
    // The client may still be sending its body: read it first, or it sees a reset, not the 429.
    await drainBody(request.raw);
    return reply.code(429).header('Retry-After', String(over.count.retryAfterSeconds)).type('application/json; charset=utf-8').send(body);
  };
}
