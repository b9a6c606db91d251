import { CHAT_CHANNEL } from './chat.channel';

const settings = {
  tokenSecret: 'token-secret',
  identitySecret: undefined,
  maxMessageBytes: 10,
  messagesPerMinute: 5,
  connectionsPerAddress: 5,
};

describe('ChatChannel.parseMessage', () => {
  const chat = CHAT_CHANNEL.create(settings);
  const at = new Date('2026-03-01T10:00:00.000Z');

  it('makes one interaction per visitor and clientMessageId, in the visitor\u2019s own conversation', () => {
    expect(chat.parseMessage('v-1', { text: 'hello', clientMessageId: 'c-1' }, at)).toEqual({
      ok: true,
      value: {
        channel: 'chat',
        direction: 'inbound',
        kind: 'message',
        identity: { channel: 'chat', address: 'v-1' },
        externalId: 'v-1:c-1',
        idempotencyKey: 'v-1:c-1',
        occurredAt: '2026-03-01T10:00:00.000Z',
        text: 'hello',
        threadKey: 'v-1',
        metadata: { visitorId: 'v-1', clientMessageId: 'c-1' },
      },
    });
  });

  it('measures the size limit in UTF-8 bytes', () => {
    expect(chat.parseMessage('v-1', { text: 'ééééé', clientMessageId: 'c-2' }, at).ok).toBe(true);
    expect(chat.parseMessage('v-1', { text: 'éééééé', clientMessageId: 'c-3' }, at)).toEqual({
      ok: false,
      errors: [{ path: 'text', message: 'text is 12 bytes; chat messages are limited to 10' }],
    });
  });
});

describe('CHAT_CHANNEL settings', () => {
  const reader = (env: Record<string, string>) => ({
    problems: [] as string[],
    optional: (name: string) => env[name],
    string: (name: string, fallback: string) => env[name] ?? fallback,
    url: (name: string, fallback: string | undefined) => env[name] ?? fallback,
  });

  it('falls back to JWT_SECRET for tokens and to the documented limits', () => {
    const read = reader({ JWT_SECRET: 'jwt' });
    expect(CHAT_CHANNEL.readSettings(read)).toEqual({
      tokenSecret: 'jwt',
      identitySecret: undefined,
      maxMessageBytes: 4096,
      messagesPerMinute: 30,
      connectionsPerAddress: 20,
    });
    expect(read.problems).toEqual([]);
  });

  it('reports a limit that is not a positive whole number', () => {
    const read = reader({ CHAT_TOKEN_SECRET: 'own', CHAT_MESSAGES_PER_MINUTE: '0', CHAT_MAX_MESSAGE_BYTES: 'lots' });
    expect(CHAT_CHANNEL.readSettings(read)).toMatchObject({ tokenSecret: 'own', messagesPerMinute: 30, maxMessageBytes: 4096 });
    expect(read.problems).toEqual([
      'CHAT_MAX_MESSAGE_BYTES must be a positive whole number, got "lots"',
      'CHAT_MESSAGES_PER_MINUTE must be a positive whole number, got "0"',
    ]);
  });
});
