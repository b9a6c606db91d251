import {
  ChannelSendError,
  ReplyRefusedError,
  type ChannelDefinition,
  type ChannelPlugin,
  type OutboundMessage,
  type ParseResult,
  type ReplySender,
  type SendResult,
  type SettingsReader,
  type SqlClient,
} from '../channel-plugin';
import type { InboundInteraction } from '../interaction';
import { validateInput } from '../validation/validate-input';
import { ChatMessageDto } from './chat.dto';
import { parseIdentify, type ChatIdentify } from './chat-identify';
import { VisitorTokens } from './visitor-token';

export const CHAT_NAMESPACE = '/chat';

/** The socket.io room holding every open tab of one visitor, on every api instance. */
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;

export interface ChatChannelSettings {
  /** Signs visitor tokens (CHAT_TOKEN_SECRET, else JWT_SECRET); only the api needs it. */
  tokenSecret: string | undefined;
  /** CHAT_IDENTITY_SECRET: when set, identify must carry the site's userHash. */
  identitySecret: string | undefined;
  maxMessageBytes: number;
  messagesPerMinute: number;
  connectionsPerAddress: number;
}

/** Server → visitor: an agent's reply (CONTRACT.md, "Chat"). */
export interface ChatAgentMessage {
  id: string;
  text: string;
  from: 'agent';
  agentName: string | null;
  createdAt: string;
}

/** What the process that sends replies (the worker) lends the plug-in to reach visitors. */
export interface ChatDelivery {
  /** Emits one event to a socket.io room of the `/chat` namespace on every api instance. */
  emit(room: string, event: string, payload: unknown): Promise<void>;
  /** Reads the reply's author and time, which a visitor is shown. */
  sql: SqlClient;
}

/**
 * Website live chat as a plug-in: visitor tokens, the visitor's messages as interactions (one
 * conversation per visitor, idempotent per visitor by clientMessageId), identify, and agents'
 * replies delivered to the visitor's room. The process that sends replies (the worker) lends it
 * an emitter and a database reader (`deliverVia`); the plug-in itself holds no connection.
 */
export class ChatChannel implements ChannelPlugin {
  readonly channel = 'chat' as const;
  /** Null in a process without a token secret (the worker), which never meets a visitor. */
  readonly tokens: VisitorTokens | null;
  private delivery?: ChatDelivery;

  constructor(readonly settings: ChatChannelSettings) {
    this.tokens = settings.tokenSecret ? new VisitorTokens(settings.tokenSecret) : null;
  }

  deliverVia(delivery: ChatDelivery): void {
    this.delivery = delivery;
  }

  /** A visitor's message as the interaction to queue, or why it is refused (nothing stored). */
  parseMessage(visitorId: string, payload: unknown, receivedAt: Date): ParseResult<InboundInteraction> {
    const parsed = validateInput(ChatMessageDto, payload);
    if (!parsed.ok) return parsed;
    const { text, clientMessageId } = parsed.value;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.settings.maxMessageBytes) {
      return {
        ok: false,
        errors: [{ path: 'text', message: `text is ${bytes} bytes; chat messages are limited to ${this.settings.maxMessageBytes}` }],
      };
    }
    if (!text.trim()) return { ok: false, errors: [{ path: 'text', message: 'text must not be empty' }] };
    const key = `${visitorId}:${clientMessageId}`;
    return {
      ok: true,
      value: {
        channel: 'chat',
        direction: 'inbound',
        kind: 'message',
        identity: { channel: 'chat', address: visitorId },
        externalId: key,
        idempotencyKey: key,
        occurredAt: receivedAt.toISOString(),
        text,
        threadKey: visitorId,
        metadata: { visitorId, clientMessageId },
      },
    };
  }

  parseIdentify(payload: unknown): ParseResult<ChatIdentify> {
    return parseIdentify(payload, this.settings.identitySecret);
  }

  readonly replies: ReplySender = {
    // The conversation's thread key is the visitor it belongs to.
    targetOf: async (sql, { conversationId }) => {
      const [row] = await sql.query<{ thread_key: string }>(`SELECT thread_key FROM conversations WHERE id = $1`, [conversationId]);
      if (!row?.thread_key) throw new ReplyRefusedError('Replies cannot be sent: this chat conversation has no visitor to reach.');
      return { to: row.thread_key, room: visitorRoom(row.thread_key) };
    },
    send: (message) => this.send(message),
  };

  private async send({ interactionId, text, target }: OutboundMessage): Promise<SendResult> {
    if (!this.delivery)
      throw new ChannelSendError('chat replies can only be sent by a process that reaches the visitors (the worker)', true, null);
    const [reply] = await this.delivery.sql.query<{ agent_name: string | null; occurred_at: Date }>(
      `SELECT metadata->>'agentName' AS agent_name, occurred_at FROM interactions WHERE id = $1`,
      [interactionId],
    );
    const message: ChatAgentMessage = {
      id: interactionId,
      text,
      from: 'agent',
      agentName: reply?.agent_name ?? null,
      createdAt: new Date(reply?.occurred_at ?? Date.now()).toISOString(),
    };
    await this.delivery.emit(target.room ?? visitorRoom(target.to), 'message', message);
    return { providerId: interactionId, status: 'sent' };
  }
}

function positiveInt(read: SettingsReader, name: string, fallback: number): number {
  const raw = read.optional(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  read.problems.push(`${name} must be a positive whole number, got "${raw}"`);
  return fallback;
}

export const CHAT_CHANNEL: ChannelDefinition<ChatChannelSettings, ChatChannel> = {
  channel: 'chat',
  readSettings: (read) => ({
    tokenSecret: read.optional('CHAT_TOKEN_SECRET') ?? read.optional('JWT_SECRET'),
    identitySecret: read.optional('CHAT_IDENTITY_SECRET'),
    maxMessageBytes: positiveInt(read, 'CHAT_MAX_MESSAGE_BYTES', 4096),
    messagesPerMinute: positiveInt(read, 'CHAT_MESSAGES_PER_MINUTE', 30),
    connectionsPerAddress: positiveInt(read, 'CHAT_CONNECTIONS_PER_ADDRESS', 20),
  }),
  create: (settings) => new ChatChannel(settings),
};
