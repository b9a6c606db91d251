import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { AGENTS_NAMESPACE } from '@omnihub/crm-core';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenService } from '../auth/access-token.service';
import { agentRoom, AgentEventsService } from './agent-events.service';

/** setTimeout's limit; a token living longer is re-checked when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `/agents`: agents' live feed. Events only flow server → agent; agents act through REST. */
@WebSocketGateway({ namespace: AGENTS_NAMESPACE, cors: { origin: true } })
export class AgentsGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket> {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly events: AgentEventsService,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.tokens.verify(socket.handshake.auth?.token).then(
        (verified) => {
          if (!verified) return next(new Error('unauthorized'));
          socket.data.agentId = verified.agent.id;
          socket.data.expiresAt = verified.expiresAt.getTime();
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    this.events.attach(namespace);
  }

  handleConnection(socket: Socket): void {
    // A recovered socket gets its rooms back from the stored session.
    if (!socket.recovered) void socket.join(agentRoom(socket.data.agentId as string));
    this.closeAtExpiry(socket, socket.data.expiresAt as number);
  }

  /**
   * A socket lives no longer than the token it was opened with: the client must log in again
   * (and reconnect with the new token) to keep receiving events.
   */
  private closeAtExpiry(socket: Socket, expiresAt: number): void {
    const remaining = expiresAt - Date.now();
    if (remaining <= 0) return void socket.disconnect(true);
    const timer = setTimeout(() => this.closeAtExpiry(socket, expiresAt), Math.min(remaining, MAX_TIMER_MS));
    socket.once('disconnect', () => clearTimeout(timer));
  }
}
