import type { DashboardMonth } from "@/lib/validation/dashboard";
import { formatMonth, formatMonthShort, formatRank } from "./format";

const WIDTH = 360;
const HEIGHT = 150;
const TOP = 14;
const BOTTOM = 20;
const SIDE = 16;

type Board = "rankSales" | "rankViews";
const BOARDS: { key: Board; title: string; className: string }[] = [
  { key: "rankSales", title: "By sales", className: "rank-line-sales" },
  { key: "rankViews", title: "By views", className: "rank-line-views" },
];

/** "Up 3 places since October (#12 to #9)", "New on the board this month", "Not ranked this month". */
export function movementSinceLastMonth(months: DashboardMonth[], board: Board): string {
  const current = months.at(-1);
  const previous = months.at(-2);
  if (!current || current[board] === null) return "Not ranked this month";
  const now = current[board];
  const before = previous?.[board] ?? null;
  if (!previous || before === null) return `New on the board this month (#${now})`;
  const since = formatMonth(previous.year, previous.month).split(" ")[0];
  if (before === now) return `Same place as in ${since} (#${now})`;
  const places = Math.abs(before - now);
  return `${before > now ? "Up" : "Down"} ${places} ${places === 1 ? "place" : "places"} since ${since} (#${before} to #${now})`;
}

/**
 * The seller's monthly rank by sales and by views over the last months: one line each (rank 1 at the top,
 * gaps where not ranked), plain SVG, the movement since last month in words, and the table alternative.
 */
const round = (n: number) => Math.round(n * 100) / 100;

export function RankHistory({ months }: { months: DashboardMonth[] }) {
  const ranks = months.flatMap((m) => [m.rankSales, m.rankViews]).filter((r): r is number => r !== null);
  const worst = Math.max(2, ...ranks);
  const slot = (WIDTH - 2 * SIDE) / Math.max(1, months.length - 1);
  // Coordinates rounded to 1/100 of a unit: Math.log may differ in its last bit between the server's
  // engine and the browser's, and unrounded the server's SVG then fails to hydrate.
  const x = (index: number) => round(SIDE + index * slot);
  // Rank 1 at the top; a log scale keeps #1 and #4,000 on one small chart.
  const y = (rank: number) => round(TOP + (Math.log(rank) / Math.log(worst)) * (HEIGHT - TOP - BOTTOM));
  const first = months[0];
  const last = months.at(-1);
  const label =
    first && last
      ? `Your rank by sales and by views, ${formatMonth(first.year, first.month)} to ${formatMonth(last.year, last.month)}. ` +
        `Sales: ${movementSinceLastMonth(months, "rankSales")}. Views: ${movementSinceLastMonth(months, "rankViews")}. ` +
        "The table below lists each month."
      : "Your rank: no data.";
  return (
    <figure className="rank-history">
      <ul className="rank-movement">
        {BOARDS.map((board) => (
          <li key={board.key}>
            <span className={`rank-key ${board.className}`} aria-hidden="true" />
            <strong>{board.title}:</strong> {movementSinceLastMonth(months, board.key)}
          </li>
        ))}
      </ul>
      {ranks.length === 0 ? (
        <p className="muted">Not ranked in the last {months.length} months yet.</p>
      ) : (
        <svg
          role="img"
          aria-label={label}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          className="chart-svg rank-chart"
          preserveAspectRatio="xMidYMid meet"
        >
          <line x1={SIDE} x2={WIDTH - SIDE} y1={TOP} y2={TOP} className="chart-axis" />
          <text x={SIDE - 4} y={TOP + 4} textAnchor="end" className="chart-label">
            #1
          </text>
          {BOARDS.map((board) => {
            // Consecutive ranked months are joined; a month without a rank breaks the line.
            const runs: [number, number][][] = [];
            months.forEach((month, index) => {
              const rank = month[board.key];
              if (rank === null) return;
              const previous = index > 0 ? months[index - 1][board.key] : null;
              if (previous === null || runs.length === 0) runs.push([]);
              runs[runs.length - 1].push([x(index), y(rank)]);
            });
            return (
              <g key={board.key} className={board.className}>
                {runs.map((run, i) => (
                  <polyline key={i} points={run.map(([px, py]) => `${px},${py}`).join(" ")} className="rank-line" />
                ))}
                {runs.flat().map(([px, py], i) => (
                  <circle key={i} cx={px} cy={py} r={3} className="rank-point" />
                ))}
              </g>
            );
          })}
          {months.map((month, index) => (
            <text
              key={`${month.year}-${month.month}`}
              x={x(index)}
              y={HEIGHT - 6}
              textAnchor="middle"
              className="chart-label"
            >
              {formatMonthShort(month.year, month.month)}
            </text>
          ))}
        </svg>
      )}
      <details className="chart-table">
        <summary>Show your ranks as a table</summary>
        <table>
          <caption>Your rank per month (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Rank by sales</th>
              <th scope="col">Rank by views</th>
            </tr>
          </thead>
          <tbody>
            {months.map((month) => (
              <tr key={`${month.year}-${month.month}`}>
                <th scope="row">{formatMonth(month.year, month.month)}</th>
                <td>{formatRank(month.rankSales)}</td>
                <td>{formatRank(month.rankViews)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
