import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { AGENTS_NAMESPACE } from '@omnihub/crm-core';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenService } from '../auth/access-token.service';
import { agentRoom, AgentEventsService } from './agent-events.service';

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
        (agent) => {
          if (!agent) return next(new Error('unauthorized'));
          socket.data.agentId = agent.id;
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
  }
}
