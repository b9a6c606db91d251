/**
 * The shapes the inbox reads, taken from the hub's own types (type-only imports: nothing of the
 * server reaches the bundle) and, where the server composes them, from the contract's wording.
 */
import type { Channel, DeliveryStatus, Identity } from '@omnihub/channels';
import type { ConversationStatus, ConversationView } from '../../../../libs/crm-core/src/conversations/conversation.view';
import type { AcquisitionStep, CustomerSummary, LifecycleStage } from '../../../../libs/crm-core/src/customers/customer.view';
import type { AgentEventMap, AgentEventName } from '../../../../libs/crm-core/src/events/agent-events';
import type { InteractionView } from '../../../../libs/crm-core/src/interactions/interaction.view';
import type { CustomerMetrics } from '../../../../libs/crm-core/src/metrics/customer-metrics';
import type { AttritionSign } from '../../../../libs/crm-core/src/retention/attrition.rules';
import type { TaskKind, TaskSeverity, TaskStatus, TaskView } from '../../../../libs/crm-core/src/retention/task.view';

export type {
  AcquisitionStep,
  AgentEventMap,
  AgentEventName,
  AttritionSign,
  Channel,
  ConversationStatus,
  ConversationView,
  CustomerMetrics,
  CustomerSummary,
  DeliveryStatus,
  Identity,
  InteractionView,
  LifecycleStage,
  TaskKind,
  TaskSeverity,
  TaskStatus,
  TaskView,
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Agent {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent';
}

export interface LoginAnswer {
  accessToken: string;
  agent: Agent;
}

export interface Csat {
  score: number;
  comment: string | null;
  respondedAt: string;
}

/** `GET /api/conversations/:id`: the conversation (with its `csat`) and its interactions. */
export interface ConversationDetail extends ConversationView {
  interactions: InteractionView[];
}

export const DEFECTION_TYPES = ['price', 'product', 'service', 'market', 'technological', 'organizational'] as const;
export type DefectionType = (typeof DEFECTION_TYPES)[number];

export interface Defection {
  type: DefectionType | null;
  note: string | null;
  occurredAt: string;
}

/** `GET /api/customers/:id`; `defection` once the defection route is served. */
export interface CustomerDetail extends CustomerSummary {
  metrics: CustomerMetrics & { csatAverage90d?: number | null };
  openTasks: TaskView[];
  defection?: Defection | null;
}

export interface CustomerActivity {
  days: Array<{ day: string; count: number }>;
}

export interface LifecycleChange {
  stage: LifecycleStage;
  acquisitionStep: AcquisitionStep | null;
  reason: string;
  occurredAt: string;
}

export interface Account {
  id: string;
  name: string;
}

export interface Partner {
  id: string;
  name: string;
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** `GET /api/reports/retention` (the contract's "Report"). */
export interface RetentionReport {
  from: string;
  to: string;
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  retentionRate: number | null;
  byStage: Partial<Record<LifecycleStage, number>>;
  defections: Partial<Record<DefectionType | 'unknown', number>>;
  reacquired: number;
  csat: { responses: number; average: number | null };
  openTasksBySign: Partial<Record<AttritionSign, number>>;
}

export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];
export const CHANNELS: readonly Channel[] = ['email', 'sms', 'chat', 'phone'];
export const TASK_KINDS: readonly TaskKind[] = ['attrition', 'reacquisition', 'satisfaction', 'extension', 'follow_up'];
export const ATTRITION_SIGNS: readonly AttritionSign[] = [
  'contact_frequency',
  'complaints',
  'enquiries',
  'silence',
  'business_volume',
  'active_buyers',
];
export const LIFECYCLE_STAGES: readonly LifecycleStage[] = ['acquisition', 'retained', 'at_risk', 'defected', 'reacquired'];
