/** Small SVG charts: no chart library, and nothing the page's CSP would refuse. */

export interface Bar {
  label: string;
  value: number;
}

/** Vertical bars over time (the daily activity buckets), labelled for screen readers as a whole. */
export function ColumnChart({ label, bars, height = 64 }: { label: string; bars: Bar[]; height?: number }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const width = Math.max(bars.length * 4, 120);
  const step = width / Math.max(bars.length, 1);
  const total = bars.reduce((n, bar) => n + bar.value, 0);
  return (
    <svg
      className="chart"
      role="img"
      aria-label={`${label}: ${total} in total`}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
    >
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="chart-axis" />
      {bars.map((bar, i) =>
        bar.value > 0 ? (
          <rect
            key={bar.label}
            x={i * step + step * 0.15}
            width={step * 0.7}
            y={height - (bar.value / max) * (height - 4)}
            height={(bar.value / max) * (height - 4)}
            className="chart-bar"
          >
            <title>{`${bar.label}: ${bar.value}`}</title>
          </rect>
        ) : null,
      )}
    </svg>
  );
}

/** Horizontal bars with their labels and numbers as text, for categories. */
export function BarList({ label, bars }: { label: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <figure className="bar-list">
      <figcaption>{label}</figcaption>
      {bars.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <dl>
          {bars.map((bar) => (
            <div key={bar.label} className="bar-row">
              <dt>{bar.label}</dt>
              <dd>
                <svg className="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                  <rect width={(bar.value / max) * 100} height={10} className="chart-bar" />
                </svg>
                <span>{bar.value}</span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </figure>
  );
}

export interface Series {
  name: string;
  points: Array<number | null>;
}

/** Lines over the same labelled periods (stages over time, the CSAT trend). */
export function LineChart({ label, periods, series, max }: { label: string; periods: string[]; series: Series[]; max?: number }) {
  const width = 320;
  const height = 120;
  const top = max ?? Math.max(1, ...series.flatMap((s) => s.points.map((p) => p ?? 0)));
  const x = (i: number) => (periods.length < 2 ? width / 2 : 8 + (i * (width - 16)) / (periods.length - 1));
  const y = (value: number) => height - 14 - (value / top) * (height - 24);
  return (
    <figure className="line-chart">
      <figcaption>{label}</figcaption>
      <svg className="chart" role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`}>
        <line x1={0} x2={width} y1={height - 14} y2={height - 14} className="chart-axis" />
        {series.map((s, n) => {
          const path = s.points
            .map((p, i) => (p === null ? null : `${x(i)},${y(p)}`))
            .filter((p): p is string => p !== null)
            .join(' ');
          return <polyline key={s.name} points={path} className={`chart-line chart-line-${n}`} />;
        })}
        {periods.map((period, i) => (
          <text key={period} x={x(i)} y={height - 2} className="chart-label" textAnchor="middle">
            {period}
          </text>
        ))}
      </svg>
      <ul className="legend">
        {series.map((s, n) => (
          <li key={s.name} className={`legend-${n}`}>
            {s.name}: {s.points[s.points.length - 1] ?? '–'}
          </li>
        ))}
      </ul>
    </figure>
  );
}
