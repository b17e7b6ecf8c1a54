import { useTranslation } from 'react-i18next';
import { formatPercent } from '../../format';
import { formatDate } from './view';

export interface TrendPoint {
  readonly auditId: string;
  readonly auditedAt: string;
  readonly percentTenths: number | null;
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { left: 48, right: 20, top: 16, bottom: 36 } as const;
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
const GRID = [0, 250, 500, 750, 1000] as const;

const yOf = (tenths: number): number => PAD.top + PLOT_H - (tenths / 1000) * PLOT_H;

/**
 * Percent over time as a hand-drawn SVG: a line chart needs only a few paths, not a chart library in
 * the offline bundle. Screen readers get a one-sentence summary and the points as a table.
 */
export function TrendChart({ siteName, points }: { siteName: string; points: readonly TrendPoint[] }) {
  const { t, i18n } = useTranslation();
  const times = points.map((p) => Date.parse(p.auditedAt));
  const first = Math.min(...times);
  const last = Math.max(...times);
  // A single audit (or several at one instant) sits in the middle rather than on the axis.
  const xOf = (ms: number): number =>
    last === first ? PAD.left + PLOT_W / 2 : PAD.left + ((ms - first) / (last - first)) * PLOT_W;
  const scored = points.flatMap((p, i) =>
    p.percentTenths === null ? [] : [{ ...p, percentTenths: p.percentTenths, x: xOf(times[i] ?? first) }],
  );
  const percents = scored.map((p) => p.percentTenths);
  const latest = points[points.length - 1];
  const firstPoint = points[0];
  const summary = t('dashboard.trend.summary', {
    site: siteName,
    count: points.length,
    first: firstPoint ? formatDate(firstPoint.auditedAt, i18n.language) : '—',
    last: latest ? formatDate(latest.auditedAt, i18n.language) : '—',
    latest: formatPercent(latest?.percentTenths ?? null),
    min: formatPercent(percents.length > 0 ? Math.min(...percents) : null),
    max: formatPercent(percents.length > 0 ? Math.max(...percents) : null),
  });
  const path = scored
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${yOf(p.percentTenths).toFixed(1)}`)
    .join(' ');

  return (
    <section aria-labelledby="trend-title" className="dashboard__panel">
      <h2 id="trend-title">{t('dashboard.trend.title', { site: siteName })}</h2>
      <svg
        className="trend-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={summary}
        data-testid="trend-chart"
        data-points={points.length}
      >
        {GRID.map((g) => (
          <g key={g}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={yOf(g)}
              y2={yOf(g)}
              className="trend-chart__grid"
            />
            <text x={PAD.left - 6} y={yOf(g) + 4} textAnchor="end" className="trend-chart__label">
              {g / 10}%
            </text>
          </g>
        ))}
        {firstPoint && (
          <text x={PAD.left} y={HEIGHT - 10} className="trend-chart__label">
            {formatDate(firstPoint.auditedAt, i18n.language)}
          </text>
        )}
        {latest && last !== first && (
          <text x={WIDTH - PAD.right} y={HEIGHT - 10} textAnchor="end" className="trend-chart__label">
            {formatDate(latest.auditedAt, i18n.language)}
          </text>
        )}
        {scored.length > 1 && <path d={path} className="trend-chart__line" />}
        {scored.map((p) => (
          <circle key={p.auditId} cx={p.x} cy={yOf(p.percentTenths)} r={4.5} className="trend-chart__point" />
        ))}
      </svg>
      <table className="visually-hidden" data-testid="trend-points">
        <caption>{t('dashboard.trend.pointsCaption', { site: siteName })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.trend.date')}</th>
            <th scope="col">{t('dashboard.trend.percent')}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.auditId}>
              <td>{formatDate(p.auditedAt, i18n.language)}</td>
              <td>{formatPercent(p.percentTenths)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
