import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  params: Record<string, string>;
}

interface ScriptedAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A Twilio-compatible REST API on loopback: records every request and answers the Messages
 * resource as Twilio does (201 with the message's sid), unless told to fail the next requests.
 */
export class FakeTwilioApi {
  readonly requests: RecordedRequest[] = [];
  /** The sids this fake gave out, by message body. */
  readonly sids = new Map<string, string>();
  private readonly scripted: ScriptedAnswer[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeTwilioApi> {
    const server = createServer();
    const api = new FakeTwilioApi(server);
    server.on('request', async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        params: Object.fromEntries(new URLSearchParams(raw)),
      };
      api.requests.push(request);
      const answer = api.scripted.shift() ?? api.created(request);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `times` requests get this answer instead of a created message. */
  failNext(status: number, body: Record<string, unknown>, times = 1): void {
    for (let i = 0; i < times; i++) this.scripted.push({ status, body: { status, ...body } });
  }

  /** Message creations sent to one number (Twilio's own To). */
  messagesTo(phone: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && r.params.To === phone);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private created(request: RecordedRequest): ScriptedAnswer {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    this.sids.set(request.params.Body, sid);
    return {
      status: 201,
      body: { sid, status: 'queued', to: request.params.To, from: request.params.From, body: request.params.Body, num_segments: '1' },
    };
  }
}
