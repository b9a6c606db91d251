import { Injectable } from '@nestjs/common';
import type { AgentEventMap, AgentEventName } from '@omnihub/crm-core';
import type { Namespace } from 'socket.io';

export const agentRoom = (agentId: string) => `agent:${agentId}`;

/** Pushes agent events raised by the api itself (triage, merges) to every api instance. */
@Injectable()
export class AgentEventsService {
  private namespace?: Namespace;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  emit<E extends AgentEventName>(event: E, payload: AgentEventMap[E]): void {
    this.namespace?.emit(event, payload);
  }

  /** Ends an agent's sockets on every instance (disabled, or its password changed). */
  async disconnectAgent(agentId: string): Promise<void> {
    this.namespace?.in(agentRoom(agentId)).disconnectSockets(true);
  }
}
