import type { ConversationView } from '../conversations/conversation.view';
import type { CustomerSummary } from '../customers/customer.view';
import type { InteractionView } from '../interactions/interaction.view';
import type { TaskView } from '../retention/task.view';

/** Everything the server pushes on the `/agents` namespace: event name → payload. */
export interface AgentEventMap {
  'interaction.created': { interaction: InteractionView };
  /** An interaction changed after it was created: an outbound message's deliveryStatus moved on. */
  'interaction.updated': { interaction: InteractionView };
  'conversation.updated': { conversation: ConversationView };
  'customer.updated': { customer: CustomerSummary };
  'task.created': { task: TaskView };
  'task.updated': { task: TaskView };
  /** A chat visitor started or stopped typing (extension); `conversationId` null before their first message is stored. */
  'visitor.typing': { visitorId: string; conversationId: string | null; typing: boolean };
}

export type AgentEventName = keyof AgentEventMap;

export const AGENTS_NAMESPACE = '/agents';

/** How long a dropped agent may take to come back and still receive what it missed (contract). */
export const AGENT_RECOVERY_WINDOW_MS = 2 * 60 * 1000;

/** The Redis stream the api instances' socket.io adapter reads, shared with the worker's publisher. */
export const AGENT_EVENTS_STREAM = 'omnihub:socket.io';
