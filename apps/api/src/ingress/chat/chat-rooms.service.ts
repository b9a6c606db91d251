import { Injectable } from '@nestjs/common';
import { visitorRoom } from '@omnihub/channels';
import type { Namespace } from 'socket.io';

/** Emits to a visitor's open tabs on every api instance, from outside the gateway (REST). */
@Injectable()
export class ChatRooms {
  private namespace?: Namespace;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  toVisitor(visitorId: string, event: string, payload: unknown): void {
    this.namespace?.to(visitorRoom(visitorId)).emit(event, payload);
  }
}
