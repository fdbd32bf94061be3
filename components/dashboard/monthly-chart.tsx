import type { DashboardMonth } from "@/lib/validation/dashboard";
import { formatCount, formatMonth, formatMonthShort } from "./format";

const WIDTH = 360;
const HEIGHT = 160;
const TOP = 18; // room for the value above the tallest bar
const BOTTOM = 20; // room for the month labels
const SIDE = 4;

interface SeriesChartProps {
  title: string;
  months: DashboardMonth[];
  value: (month: DashboardMonth) => number;
  unit: [singular: string, plural: string];
  className: string;
}

/** One bar per month, plain SVG. Screen readers get the summary (aria-label) and the table below. */
function SeriesChart({ title, months, value, unit, className }: SeriesChartProps) {
  const values = months.map(value);
  const max = Math.max(1, ...values);
  const slot = (WIDTH - 2 * SIDE) / Math.max(1, months.length);
  const barWidth = slot * 0.64;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const total = values.reduce((sum, v) => sum + v, 0);
  const first = months[0];
  const last = months[months.length - 1];
  const label =
    first && last
      ? `${title}, ${formatMonth(first.year, first.month)} to ${formatMonth(last.year, last.month)}: ${formatCount(total)} ${total === 1 ? unit[0] : unit[1]} in total, at most ${formatCount(Math.max(...values))} in a month. The table below lists each month.`
      : `${title}: no data.`;
  return (
    <div className="chart">
      <h3 className="chart-title">{title}</h3>
      <svg
        role="img"
        aria-label={label}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className={`chart-svg ${className}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <line x1={SIDE} x2={WIDTH - SIDE} y1={HEIGHT - BOTTOM} y2={HEIGHT - BOTTOM} className="chart-axis" />
        {months.map((month, index) => {
          const v = values[index];
          const height = (v / max) * plotHeight;
          const x = SIDE + index * slot + (slot - barWidth) / 2;
          const y = HEIGHT - BOTTOM - height;
          return (
            <g key={`${month.year}-${month.month}`}>
              <rect x={x} y={y} width={barWidth} height={height} rx={2} className="chart-bar" />
              {v > 0 && (
                <text x={x + barWidth / 2} y={y - 4} textAnchor="middle" className="chart-value">
                  {formatCount(v)}
                </text>
              )}
              <text x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle" className="chart-label">
                {formatMonthShort(month.year, month.month)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** The two series of the dashboard's chart. */
const SERIES: Omit<SeriesChartProps, "months">[] = [
  { title: "Items sold", value: (m) => m.itemsSold, unit: ["item sold", "items sold"], className: "chart-sales" },
  { title: "Views", value: (m) => m.totalViews, unit: ["view", "views"], className: "chart-views" },
];

/** The last months of sales and views: two bar charts and, for reading rather than looking, a table. */
export function MonthlyChart({ months }: { months: DashboardMonth[] }) {
  return (
    <figure className="monthly-chart">
      <div className="chart-pair">
        {SERIES.map((series) => (
          <SeriesChart key={series.title} {...series} months={months} />
        ))}
      </div>
      <details className="chart-table">
        <summary>Show the numbers as a table</summary>
        <table>
          <caption>Items sold and views per month (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Items sold</th>
              <th scope="col">Views</th>
            </tr>
          </thead>
          <tbody>
            {months.map((month) => (
              <tr key={`${month.year}-${month.month}`}>
                <th scope="row">{formatMonth(month.year, month.month)}</th>
                <td>{formatCount(month.itemsSold)}</td>
                <td>{formatCount(month.totalViews)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
