import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { SmsAdapter } from './sms.adapter';
import { SmsNotConfiguredError, SmsSendError } from './sms-send.errors';

const AUTH_TOKEN = 'unit-test-auth-token';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const SID = 'SM0123456789abcdef0123456789abcdef';
const receivedAt = new Date('2026-03-01T10:00:00.000Z');

const inbound = (overrides: Record<string, unknown> = {}) => ({
  MessageSid: SID,
  SmsSid: SID,
  AccountSid: ACCOUNT_SID,
  From: '+447700900123',
  To: '+15005550006',
  Body: 'Where is my order?',
  NumMedia: '0',
  NumSegments: '1',
  FromCity: 'LONDON',
  ApiVersion: '2010-04-01',
  ...overrides,
});

describe('SmsAdapter', () => {
  const adapter = new SmsAdapter({ authToken: AUTH_TOKEN });

  describe('parseInbound', () => {
    it('turns a message into one sms interaction identified by the phone number', () => {
      const parsed = adapter.parseInbound(inbound(), { receivedAt });
      expect(parsed).toEqual({
        ok: true,
        value: [
          {
            channel: 'sms',
            direction: 'inbound',
            kind: 'message',
            identity: { channel: 'phone', address: '+447700900123' },
            externalId: SID,
            idempotencyKey: SID,
            occurredAt: '2026-03-01T10:00:00.000Z',
            text: 'Where is my order?',
            metadata: { from: '+447700900123', to: '+15005550006', messagingServiceSid: null, numSegments: 1, media: [] },
          },
        ],
      });
    });

    it('keeps MMS media, the segment count, the messaging service and a long body whole', () => {
      const body = 'x'.repeat(1500);
      const parsed = adapter.parseInbound(
        inbound({
          Body: body,
          NumSegments: '10',
          NumMedia: '2',
          MediaUrl0: 'https://api.twilio.com/media/ME1',
          MediaContentType0: 'image/jpeg',
          MediaUrl1: 'https://api.twilio.com/media/ME2',
          MediaContentType1: 'video/mp4',
          MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
        }),
        { receivedAt },
      );
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      expect(parsed.value[0].text).toBe(body);
      expect(parsed.value[0].metadata).toEqual({
        from: '+447700900123',
        to: '+15005550006',
        messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
        numSegments: 10,
        media: [
          { url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' },
          { url: 'https://api.twilio.com/media/ME2', contentType: 'video/mp4' },
        ],
      });
    });

    it('normalizes From to E.164', () => {
      const parsed = adapter.parseInbound(inbound({ From: '+44 7700 900123' }), { receivedAt });
      expect(parsed.ok && parsed.value[0].identity).toEqual({ channel: 'phone', address: '+447700900123' });
    });

    it('marks opt-out, opt-in and help keywords on the interaction', () => {
      const keywordOf = (Body: string) => {
        const parsed = adapter.parseInbound(inbound({ Body }), { receivedAt });
        return parsed.ok ? parsed.value[0].metadata.keyword : 'invalid';
      };
      expect([keywordOf(' stop '), keywordOf('START'), keywordOf('Help'), keywordOf('stop please')]).toEqual([
        'opt_out',
        'opt_in',
        'help',
        undefined,
      ]);
    });

    it.each([
      ['no MessageSid', { MessageSid: undefined }, 'MessageSid', 'MessageSid is required'],
      ['a malformed MessageSid', { MessageSid: 'SM 1' }, 'MessageSid', 'Twilio message SID'],
      ['no From', { From: undefined }, 'From', 'From is required'],
      ['a From that is no phone number', { From: 'ACME' }, 'From', 'international format'],
      ['no To', { To: '' }, 'To', 'To is required'],
      ['a repeated Body', { Body: ['a', 'b'] }, 'Body', 'single value'],
      ['a bad NumMedia', { NumMedia: 'many' }, 'NumMedia', 'whole number'],
      ['too many media', { NumMedia: '11' }, 'NumMedia', 'from 0 to 10'],
      ['a missing media URL', { NumMedia: '1' }, 'MediaUrl0', 'MediaUrl0 is required'],
      ['a media URL that is not http', { NumMedia: '1', MediaUrl0: 'javascript:alert(1)' }, 'MediaUrl0', 'http or https'],
      ['a bad NumSegments', { NumSegments: '0' }, 'NumSegments', 'whole number'],
    ])('refuses %s, naming the parameter', (_, overrides, path, message) => {
      const parsed = adapter.parseInbound(inbound(overrides), { receivedAt });
      expect(parsed).toEqual({ ok: false, errors: [{ path, message: expect.stringContaining(message) }] });
    });

    it('lists every problem at once', () => {
      const parsed = adapter.parseInbound({}, { receivedAt });
      expect(parsed.ok ? [] : parsed.errors.map((e) => e.path)).toEqual(['MessageSid', 'From', 'To']);
    });
  });

  describe('isSignedByTwilio', () => {
    const url = 'https://hub.example.com/webhooks/twilio/sms?tenant=a';
    const params = inbound();
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);

    it('accepts the signature Twilio computes over the URL and the sorted parameters', () => {
      expect(adapter.isSignedByTwilio(signature, url, params)).toBe(true);
    });

    it('refuses a changed parameter, another URL, a missing signature or another token', () => {
      expect(adapter.isSignedByTwilio(signature, url, { ...params, Body: 'changed' })).toBe(false);
      expect(adapter.isSignedByTwilio(signature, 'https://hub.example.com/webhooks/twilio/sms', params)).toBe(false);
      expect(adapter.isSignedByTwilio(undefined, url, params)).toBe(false);
      expect(adapter.isSignedByTwilio(['a', 'b'], url, params)).toBe(false);
      expect(new SmsAdapter({ authToken: 'another-token' }).isSignedByTwilio(signature, url, params)).toBe(false);
    });

    it('refuses everything when no auth token is configured', () => {
      const unconfigured = new SmsAdapter({});
      expect(unconfigured.canVerifyWebhooks).toBe(false);
      expect(unconfigured.isSignedByTwilio(signature, url, params)).toBe(false);
    });
  });

  describe('parseStatusCallback', () => {
    it.each([
      ['queued', 'queued'],
      ['sending', 'sent'],
      ['sent', 'sent'],
      ['delivered', 'delivered'],
      ['undelivered', 'undelivered'],
      ['failed', 'failed'],
    ])('reads MessageStatus %s as %s', (MessageStatus, deliveryStatus) => {
      expect(adapter.parseStatusCallback({ MessageSid: SID, MessageStatus })).toEqual({
        ok: true,
        value: { messageSid: SID, messageStatus: MessageStatus, deliveryStatus, errorCode: null },
      });
    });

    it('keeps the error code', () => {
      const parsed = adapter.parseStatusCallback({ MessageSid: SID, MessageStatus: 'undelivered', ErrorCode: '30003' });
      expect(parsed.ok && parsed.value.errorCode).toBe(30003);
    });

    it.each([
      [{ MessageStatus: 'sent' }, 'MessageSid'],
      [{ MessageSid: SID }, 'MessageStatus'],
      [{ MessageSid: SID, MessageStatus: 'teleported' }, 'MessageStatus'],
      [{ MessageSid: SID, MessageStatus: 'received' }, 'MessageStatus'],
      [{ MessageSid: SID, MessageStatus: 'constructor' }, 'MessageStatus'],
      [{ MessageSid: SID, MessageStatus: 'failed', ErrorCode: 'oops' }, 'ErrorCode'],
    ])('refuses %j', (params, path) => {
      const parsed = adapter.parseStatusCallback(params);
      expect(parsed.ok ? [] : parsed.errors.map((e) => e.path)).toEqual([path]);
    });
  });

  describe('send', () => {
    let server: Server;
    let baseUrl: string;
    const received: Array<{ path: string; authorization?: string; params: URLSearchParams }> = [];
    let answer: { status: number; body: Record<string, unknown> } = { status: 201, body: {} };

    beforeAll(async () => {
      server = createServer(async (req: IncomingMessage, res) => {
        let raw = '';
        for await (const chunk of req) raw += chunk;
        received.push({ path: req.url ?? '', authorization: req.headers.authorization, params: new URLSearchParams(raw) });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => (received.length = 0));

    const configured = () =>
      new SmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: '+15005550006', apiBaseUrl: baseUrl });

    it('posts the message to the configured Twilio-compatible API with the account credentials', async () => {
      answer = { status: 201, body: { sid: 'SMfeedfacefeedfacefeedfacefeedface', status: 'queued' } };
      const result = await configured().send({
        to: '+447700900123',
        text: 'On its way',
        statusCallbackUrl: 'https://hub.example.com/webhooks/twilio/status',
      });
      expect(result).toEqual({ providerId: 'SMfeedfacefeedfacefeedfacefeedface', status: 'queued', from: '+15005550006' });
      expect(received).toHaveLength(1);
      expect(received[0].path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
      expect(received[0].authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
      expect(Object.fromEntries(received[0].params)).toEqual({
        To: '+447700900123',
        From: '+15005550006',
        Body: 'On its way',
        StatusCallback: 'https://hub.example.com/webhooks/twilio/status',
      });
    });

    it('reports a Twilio 5xx as retryable', async () => {
      answer = { status: 503, body: { code: 20503, message: 'Service unavailable', status: 503 } };
      const error = await configured()
        .send({ to: '+447700900123', text: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmsSendError);
      expect(error).toMatchObject({ retryable: true, code: 20503, httpStatus: 503 });
    });

    it('reports a Twilio 4xx as final, with its error code', async () => {
      answer = { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } };
      const error = await configured()
        .send({ to: '+447700900123', text: 'x' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ retryable: false, code: 21211, httpStatus: 400 });
      expect((error as Error).message).toContain('not a valid phone number');
    });

    it('reports an unreachable API as retryable', async () => {
      const closed = new SmsAdapter({
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        fromNumber: '+15005550006',
        apiBaseUrl: 'http://127.0.0.1:9',
      });
      const error = await closed.send({ to: '+447700900123', text: 'x' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ retryable: true, code: null, httpStatus: null });
    });

    it('refuses to send without credentials, naming what is missing', async () => {
      const error = await new SmsAdapter({ authToken: AUTH_TOKEN }).send({ to: '+447700900123', text: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmsNotConfiguredError);
      expect((error as Error).message).toBe(
        'SMS replies are not configured: set TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER on the worker to send SMS through Twilio',
      );
    });
  });
});
