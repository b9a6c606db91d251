import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface VisitorSession {
  visitorId: string;
  visitorToken: string;
}

/**
 * A chat visitor's token: the visitor id and an HMAC of it. The widget keeps it in the browser;
 * nothing is stored server-side, so any api instance recognizes the visitor.
 */
export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(): VisitorSession {
    const visitorId = randomUUID();
    return { visitorId, visitorToken: `${visitorId}.${this.signature(visitorId)}` };
  }

  /** The visitor a token names, or null when it is missing, malformed or not signed by us. */
  visitorOf(token: unknown): string | null {
    if (typeof token !== 'string') return null;
    const [visitorId, signature, ...rest] = token.split('.');
    if (rest.length || !visitorId || !signature || !UUID.test(visitorId)) return null;
    const expected = Buffer.from(this.signature(visitorId));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : null;
  }

  private signature(visitorId: string): string {
    return createHmac('sha256', this.secret).update(`chat-visitor:${visitorId}`).digest('base64url');
  }
}
