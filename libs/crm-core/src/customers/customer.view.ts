import type { Identity } from '@omnihub/channels';

export const LIFECYCLE_STAGES = ['acquisition', 'retained', 'at_risk', 'defected', 'reacquired'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const ACQUISITION_STEPS = ['enquiry', 'interaction', 'exchange', 'coordination', 'adoption'] as const;
export type AcquisitionStep = (typeof ACQUISITION_STEPS)[number];

/** What `customer.updated` carries and customer lists show; the detail route adds metrics and tasks. */
export interface CustomerSummary {
  id: string;
  name: string | null;
  identities: Identity[];
  lifecycleStage: LifecycleStage;
  acquisitionStep: AcquisitionStep | null;
  /** The business account this customer buys for, if any. */
  accountId: string | null;
  createdAt: string;
}

export interface CustomerRow {
  id: string;
  name: string | null;
  lifecycle_stage: LifecycleStage;
  acquisition_step: AcquisitionStep | null;
  account_id: string | null;
  created_at: Date;
  identities: Identity[];
}

/** Selects a customer row with its identities; `c` is the customers alias. */
export const CUSTOMER_COLUMNS = `c.id, c.name, c.lifecycle_stage, c.acquisition_step, c.account_id, c.created_at,
  COALESCE((SELECT json_agg(json_build_object('channel', i.channel, 'address', i.address) ORDER BY i.created_at)
            FROM customer_identities i WHERE i.customer_id = c.id), '[]'::json) AS identities`;

export function toCustomerSummary(row: CustomerRow): CustomerSummary {
  return {
    id: row.id,
    name: row.name,
    identities: row.identities,
    lifecycleStage: row.lifecycle_stage,
    acquisitionStep: row.acquisition_step,
    accountId: row.account_id,
    createdAt: row.created_at.toISOString(),
  };
}
