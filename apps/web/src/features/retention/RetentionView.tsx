import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import type { RetentionReport } from '../../api/contract';
import { LIFECYCLE_STAGES } from '../../api/contract';
import { useSession } from '../../app/session';
import { useResyncKey } from '../../realtime/realtime-hooks';
import { BarList, LineChart } from '../../ui/charts';
import { words } from '../../ui/format';

const DAY_MS = 86_400_000;
/** Six consecutive 30-day windows: enough to see a trend, few enough requests to load at once. */
const PERIODS = 6;
const PERIOD_DAYS = 30;

type State =
  | { kind: 'loading' }
  | { kind: 'unavailable' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; report: RetentionReport; periods: RetentionReport[] };

const entries = (record: Partial<Record<string, number>>) =>
  Object.entries(record)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([label, value]) => ({ label: words(label), value }))
    .sort((a, b) => b.value - a.value);

const percent = (ratio: number | null) => (ratio === null ? '–' : `${Math.round(ratio * 100)} %`);

export function RetentionView() {
  const { api } = useSession();
  const resyncKey = useResyncKey();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    const now = Date.now();
    const windows = Array.from({ length: PERIODS }, (_, i) => {
      const to = now - (PERIODS - 1 - i) * PERIOD_DAYS * DAY_MS;
      return { from: new Date(to - PERIOD_DAYS * DAY_MS).toISOString(), to: new Date(to).toISOString() };
    });
    Promise.all([
      api.get<RetentionReport>('/api/reports/retention'),
      ...windows.map((w) => api.get<RetentionReport>('/api/reports/retention', w)),
    ])
      .then(([report, ...periods]) => current && setState({ kind: 'ready', report, periods }))
      .catch((failure: Error) => {
        if (!current) return;
        if (failure instanceof ApiError && failure.status === 404) setState({ kind: 'unavailable' });
        else setState({ kind: 'failed', message: failure.message });
      });
    return () => {
      current = false;
    };
  }, [api, resyncKey]);

  return (
    <section className="retention-view" aria-label="Retention">
      <header className="view-header">
        <h1>Retention</h1>
      </header>
      {state.kind === 'loading' && <p className="muted">Loading the report…</p>}
      {state.kind === 'unavailable' && (
        <p role="status" className="notice">
          The retention report is not available on this hub yet (it answers <code>GET /api/reports/retention</code> with 404).
        </p>
      )}
      {state.kind === 'failed' && <p role="alert">{state.message}</p>}
      {state.kind === 'ready' && <Report report={state.report} periods={state.periods} />}
    </section>
  );
}

function Report({ report, periods }: { report: RetentionReport; periods: RetentionReport[] }) {
  const labels = periods.map((p) => new Date(p.to).toLocaleDateString([], { day: 'numeric', month: 'short' }));
  return (
    <div className="report">
      <dl className="kpis" aria-label="Summary">
        <div>
          <dt>Retention rate</dt>
          <dd>{percent(report.retentionRate)}</dd>
        </div>
        <div>
          <dt>Customers at start</dt>
          <dd>{report.customersAtStart}</dd>
        </div>
        <div>
          <dt>Customers at end</dt>
          <dd>{report.customersAtEnd}</dd>
        </div>
        <div>
          <dt>New customers</dt>
          <dd>{report.newCustomers}</dd>
        </div>
        <div>
          <dt>Reacquired</dt>
          <dd>{report.reacquired}</dd>
        </div>
        <div>
          <dt>CSAT</dt>
          <dd>
            {report.csat.average ?? '–'} <span className="muted">({report.csat.responses} answers)</span>
          </dd>
        </div>
      </dl>
      <p className="muted">
        {new Date(report.from).toLocaleDateString()} to {new Date(report.to).toLocaleDateString()}
      </p>
      <div className="report-grid">
        <LineChart
          label="Stages over time"
          periods={labels}
          series={LIFECYCLE_STAGES.map((stage) => ({ name: words(stage), points: periods.map((p) => p.byStage[stage] ?? 0) }))}
        />
        <LineChart
          label="CSAT trend (1–5)"
          periods={labels}
          max={5}
          series={[{ name: 'average', points: periods.map((p) => p.csat.average) }]}
        />
        <BarList label="Defections by type" bars={entries(report.defections)} />
        <BarList label="Open tasks by sign" bars={entries(report.openTasksBySign)} />
      </div>
    </div>
  );
}
