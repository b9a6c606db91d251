import { useCallback, useEffect, useState } from 'react';
import type { Account, CustomerActivity, CustomerDetail, LifecycleChange, Page } from '../../api/contract';
import { useSession } from '../../app/session';
import { useAgentEvent, useResyncKey } from '../../realtime/realtime-hooks';
import { ColumnChart } from '../../ui/charts';
import { channelName, fullTime, words } from '../../ui/format';
import { DefectionForm } from './DefectionForm';
import { MergeCustomer } from './MergeCustomer';

interface Loaded {
  customer: CustomerDetail;
  activity: CustomerActivity;
  history: LifecycleChange[];
  account: Account | null;
}

/** Who the customer is across channels, where they stand in the lifecycle, and what is open. */
export function CustomerPanel({ customerId }: { customerId: string }) {
  const { api } = useSession();
  const resyncKey = useResyncKey();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    (async () => {
      const [customer, activity, history] = await Promise.all([
        api.get<CustomerDetail>(`/api/customers/${customerId}`),
        api.get<CustomerActivity>(`/api/customers/${customerId}/activity`),
        api.get<Page<LifecycleChange>>(`/api/customers/${customerId}/lifecycle`, { limit: 20 }),
      ]);
      const account = customer.accountId ? await api.get<Account>(`/api/accounts/${customer.accountId}`) : null;
      if (current) setLoaded({ customer, activity, history: history.items, account });
    })().catch((failure: Error) => current && setError(failure.message));
    return () => {
      current = false;
    };
  }, [api, customerId, version, resyncKey]);

  useAgentEvent('customer.updated', ({ customer }) => {
    if (customer.id === customerId || customer.id === loaded?.customer.id) refresh();
  });
  useAgentEvent('task.created', ({ task }) => task.customerId === loaded?.customer.id && refresh());
  useAgentEvent('task.updated', ({ task }) => task.customerId === loaded?.customer.id && refresh());

  if (!loaded) {
    return (
      <aside className="customer-panel" aria-label="Customer">
        {error ? <p role="alert">{error}</p> : <p className="muted">Loading…</p>}
      </aside>
    );
  }
  const { customer, activity, history, account } = loaded;
  const { metrics } = customer;
  return (
    <aside className="customer-panel" aria-label="Customer">
      <h2>{customer.name ?? 'Unknown customer'}</h2>
      <p className={`stage stage-${customer.lifecycleStage}`}>
        Stage: <strong>{words(customer.lifecycleStage)}</strong>
        {customer.lifecycleStage === 'acquisition' && customer.acquisitionStep && <> ({customer.acquisitionStep})</>}
      </p>
      {customer.defection && (
        <p className="muted">
          Defected {fullTime(customer.defection.occurredAt)}:{' '}
          {customer.defection.type ? words(customer.defection.type) : 'reason not recorded yet'}
          {customer.defection.note ? ` — ${customer.defection.note}` : ''}
        </p>
      )}
      <h3>Identities</h3>
      <ul className="identities" aria-label="Identities">
        {customer.identities.map((identity) => (
          <li key={`${identity.channel}:${identity.address}`}>
            <span className="muted">{channelName(identity.channel)}</span> {identity.address}
          </li>
        ))}
        {account && (
          <li>
            <span className="muted">Account</span> {account.name}
          </li>
        )}
      </ul>
      <h3>Activity</h3>
      <ColumnChart label="Interactions per day over the last 90 days" bars={activity.days.map((d) => ({ label: d.day, value: d.count }))} />
      <dl className="metrics" aria-label="Metrics">
        <dt>Last 7 days</dt>
        <dd>{metrics.interactions7d}</dd>
        <dt>Last 30 days</dt>
        <dd>{metrics.interactions30d}</dd>
        <dt>Last 90 days</dt>
        <dd>{metrics.interactions90d}</dd>
        <dt>Complaints (30 days)</dt>
        <dd>{metrics.complaints30d}</dd>
        <dt>Enquiries (30 days)</dt>
        <dd>{metrics.enquiries30d}</dd>
        <dt>Mean gap</dt>
        <dd>{metrics.avgGapDays === null ? '–' : `${metrics.avgGapDays} days`}</dd>
        <dt>Frequency trend</dt>
        <dd>{metrics.frequencyTrend === null ? '–' : `${Math.round(metrics.frequencyTrend * 100)} %`}</dd>
        {metrics.csatAverage90d !== undefined && (
          <>
            <dt>CSAT (90 days)</dt>
            <dd>{metrics.csatAverage90d === null ? '–' : metrics.csatAverage90d}</dd>
          </>
        )}
      </dl>
      <h3>Open tasks</h3>
      {customer.openTasks.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="open-tasks" aria-label="Open tasks">
          {customer.openTasks.map((task) => (
            <li key={task.id} className={`severity-${task.severity}`}>
              <span className="severity">{task.severity}</span> {task.reason}
            </li>
          ))}
        </ul>
      )}
      <h3>Lifecycle history</h3>
      <ol className="history" aria-label="Lifecycle history">
        {history.map((change) => (
          <li key={`${change.occurredAt}:${change.stage}:${change.acquisitionStep}`}>
            <time dateTime={change.occurredAt}>{fullTime(change.occurredAt)}</time> <strong>{words(change.stage)}</strong>
            {change.acquisitionStep && change.stage === 'acquisition' ? ` (${change.acquisitionStep})` : ''}: {change.reason}
          </li>
        ))}
      </ol>
      <MergeCustomer customerId={customer.id} onMerged={refresh} />
      <DefectionForm customerId={customer.id} onRecorded={refresh} />
    </aside>
  );
}
