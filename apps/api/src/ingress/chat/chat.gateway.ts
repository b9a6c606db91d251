import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import {
  CHAT_NAMESPACE,
  ChannelRegistry,
  ChatTypingDto,
  validateInput,
  visitorRoom,
  type ChatChannel,
  type InputError,
  type VisitorTokens,
} from '@omnihub/channels';
import type { Namespace, Socket } from 'socket.io';
import { AgentEventsService } from '../../realtime/agent-events.service';
import { IngressQueue } from '../ingress-queue.service';
import { ChatLimits } from './chat-limits.service';
import { ChatRooms } from './chat-rooms.service';
import { ChatVisitors } from './chat-visitors.service';

type Ack = (answer: { ok: true; id?: string; customerId?: string } | { ok: false; error: string }) => void;

/**
 * `/chat`: website visitors (CONTRACT.md, "Chat"). A visitor is whoever holds a signed visitor
 * token; each tab joins the visitor's room, which agents' replies reach on every api instance.
 * Messages are only queued here (the worker stores them); the ack carries the interaction id
 * chosen at the edge.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE, cors: { origin: true } })
export class ChatGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket> {
  private readonly logger = new Logger(ChatGateway.name);
  private readonly chat: ChatChannel;
  private readonly tokens: VisitorTokens;

  constructor(
    channels: ChannelRegistry,
    private readonly ingress: IngressQueue,
    private readonly visitors: ChatVisitors,
    private readonly limits: ChatLimits,
    private readonly rooms: ChatRooms,
    private readonly agents: AgentEventsService,
  ) {
    this.chat = channels.get('chat');
    if (!this.chat.tokens) throw new Error('the chat gateway needs a token secret (CHAT_TOKEN_SECRET or JWT_SECRET)');
    this.tokens = this.chat.tokens;
  }

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const address = socket.handshake.address;
      if (!this.limits.openConnection(address)) return next(new Error('too many chat connections from this address'));
      socket.once('disconnect', () => this.limits.closeConnection(address));
      const visitorId = this.tokens.visitorOf(socket.handshake.auth?.visitorToken);
      socket.data.session = visitorId ? { visitorId, visitorToken: socket.handshake.auth.visitorToken as string } : this.tokens.issue();
      next();
    });
    this.rooms.attach(namespace);
  }

  async handleConnection(socket: Socket): Promise<void> {
    const { visitorId } = socket.data.session as { visitorId: string };
    socket.on('message', (payload: unknown, ack: unknown) => void this.message(visitorId, payload, ackOf(ack)));
    socket.on('identify', (payload: unknown, ack: unknown) => void this.identify(visitorId, payload, ackOf(ack)));
    socket.on('typing', (payload: unknown) => void this.typing(visitorId, payload));
    await socket.join(visitorRoom(visitorId));
    socket.emit('session', socket.data.session);
    try {
      socket.emit('history', { messages: await this.visitors.history(visitorId) });
    } catch (error) {
      this.logger.warn(`could not load the history of visitor ${visitorId}: ${(error as Error).message}`);
    }
  }

  private async message(visitorId: string, payload: unknown, ack: Ack): Promise<void> {
    const now = new Date();
    const parsed = this.chat.parseMessage(visitorId, payload, now);
    if (!parsed.ok) return ack({ ok: false, error: describe(parsed.errors) });
    try {
      const refusal = await this.limits.messageRefusal(visitorId, now);
      if (refusal) return ack({ ok: false, error: refusal });
      ack({ ok: true, id: await this.ingress.accept(parsed.value) });
    } catch (error) {
      ack({ ok: false, error: unavailable(error) });
    }
  }

  private async identify(visitorId: string, payload: unknown, ack: Ack): Promise<void> {
    const parsed = this.chat.parseIdentify(payload);
    if (!parsed.ok) return ack({ ok: false, error: describe(parsed.errors) });
    try {
      ack({ ok: true, customerId: await this.visitors.identify(visitorId, parsed.value) });
    } catch (error) {
      this.logger.error(`identify of visitor ${visitorId} failed: ${(error as Error).message}`);
      ack({ ok: false, error: 'identify could not be stored right now; nothing was changed. Retry shortly.' });
    }
  }

  private async typing(visitorId: string, payload: unknown): Promise<void> {
    const parsed = validateInput(ChatTypingDto, payload);
    if (!parsed.ok) return;
    try {
      const conversationId = await this.visitors.openConversationOf(visitorId);
      this.agents.emit('visitor.typing', { visitorId, conversationId, typing: parsed.value.typing });
    } catch (error) {
      this.logger.warn(`typing of visitor ${visitorId} not relayed: ${(error as Error).message}`);
    }
  }
}

/** A client that asked for no ack gets none. */
function ackOf(ack: unknown): Ack {
  return typeof ack === 'function' ? (ack as Ack) : () => undefined;
}

function describe(errors: InputError[]): string {
  return `refused, nothing was stored: ${errors.map((e) => e.message).join('; ')}`;
}

function unavailable(error: unknown): string {
  return error instanceof ServiceUnavailableException
    ? error.message
    : 'The hub could not queue the message right now; nothing was stored. Retry shortly.';
}
