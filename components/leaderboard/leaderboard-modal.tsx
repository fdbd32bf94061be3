"use client";
/**
 * The leaderboard's content: Sales / Views tabs, This month / All time, past months, the top 10, the
 * signed-in seller's own row (with the two sellers above and below when outside the top 10) and a link
 * to the full ranking. Live: the tab's one stream revalidates it on every change, and polling is
 * the fallback. Previous figures stay on screen while new ones load or when a refresh fails.
 */
import * as Dialog from "@radix-ui/react-dialog";
import * as Tabs from "@radix-ui/react-tabs";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useLiveUpdates } from "@/lib/leaderboard/live-updates";
import { useLeaderboard } from "@/lib/swr/use-leaderboard";
import { LEADERBOARD_TIME_ZONE } from "@/lib/validation/leaderboard";
import type {
  LeaderboardEntry,
  LeaderboardMetric,
  LeaderboardPeriod,
  LeaderboardResponse,
} from "@/lib/validation/leaderboard";
import { formatViews } from "../products/format";
import { fullRankingHref, initials, monthLabel, ordinal, pastMonths, resetsIn, timeAgo } from "./format";

const CLOCK_TICK_MS = 5000;
const PERIODS: [LeaderboardPeriod, string][] = [
  ["month", "This month"],
  ["all", "All time"],
];

type Movement = "up" | "down";

function useNow(tickMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}

/**
 * Rank changes since the modal opened, per board (metric, period, month): the first answer for a board is
 * its baseline. Also the sentence to announce for the latest movement. Both follow from each new answer,
 * so they are worked out while rendering it (React's "adjusting state when a prop changes"), not in an effect.
 */
function useRankMovement(boardKey: string, leaderboard: LeaderboardResponse | undefined, current: boolean) {
  const [baselines, setBaselines] = useState(() => new Map<string, Map<string, number>>());
  const [announcement, setAnnouncement] = useState("");
  const [lastSeen, setLastSeen] = useState<{ boardKey: string; leaderboard: LeaderboardResponse } | null>(null);
  const movements = new Map<string, Movement>();
  const baseline = baselines.get(boardKey);
  if (current && leaderboard && baseline) {
    for (const entry of leaderboard.entries) {
      const before = baseline.get(entry.sellerId);
      if (before === undefined || before > entry.rank) movements.set(entry.sellerId, "up");
      else if (before < entry.rank) movements.set(entry.sellerId, "down");
    }
  }
  if (current && leaderboard && (lastSeen?.leaderboard !== leaderboard || lastSeen.boardKey !== boardKey)) {
    setLastSeen({ boardKey, leaderboard });
    if (!baseline) {
      setBaselines(
        new Map(baselines).set(boardKey, new Map(leaderboard.entries.map((entry) => [entry.sellerId, entry.rank]))),
      );
    } else {
      const sentences = leaderboard.entries
        .filter((entry) => movements.has(entry.sellerId))
        .map((entry) => `${entry.displayName} moved ${movements.get(entry.sellerId)} to ${ordinal(entry.rank)}.`);
      if (sentences.length > 0) setAnnouncement(sentences.join(" "));
    }
  }
  return { movements, announcement };
}

export function LeaderboardModal({
  refreshInterval,
  signedIn = false,
}: {
  refreshInterval?: number;
  signedIn?: boolean;
}) {
  const [metric, setMetric] = useState<LeaderboardMetric>("sales");
  const [period, setPeriod] = useState<LeaderboardPeriod>("month");
  const [pastMonth, setPastMonth] = useState<{ year: number; month: number } | null>(null);
  const selection = {
    metric,
    period,
    year: pastMonth?.year ?? null,
    month: pastMonth?.month ?? null,
    aroundMe: signedIn,
  };
  const { leaderboard, error, isLoading, isRefreshing, retry } = useLeaderboard(selection, { refreshInterval });
  useLiveUpdates();

  // The current month as the server resolved it (its clock decides), remembered for the month picker
  // while rendering the answers (all-time and past-month answers do not carry it). Every answer carries
  // the first month with data, and the last answer stays while the next loads.
  const [currentMonth, setCurrentMonth] = useState<{ year: number; month: number } | null>(null);
  const firstMonth = leaderboard?.firstMonth ?? null;
  if (
    leaderboard?.period === "month" &&
    !pastMonth &&
    leaderboard.year &&
    leaderboard.month &&
    (currentMonth?.year !== leaderboard.year || currentMonth?.month !== leaderboard.month)
  ) {
    setCurrentMonth({ year: leaderboard.year, month: leaderboard.month });
  }

  // While another board loads, the previous one stays (dimmed), so nothing jumps.
  const matches =
    leaderboard !== undefined &&
    leaderboard.metric === metric &&
    leaderboard.period === period &&
    (period === "all" || !pastMonth || (leaderboard.year === pastMonth.year && leaderboard.month === pastMonth.month));
  const boardKey = `${metric}/${period}/${pastMonth ? `${pastMonth.year}-${pastMonth.month}` : "current"}`;
  const { movements, announcement } = useRankMovement(boardKey, leaderboard, matches);
  const months = currentMonth ? pastMonths(firstMonth, currentMonth) : [];

  return (
    <div className="leaderboard-body">
      <Tabs.Root value={metric} onValueChange={(value) => setMetric(value as LeaderboardMetric)}>
        <Tabs.List className="leaderboard-tabs" aria-label="Rank by">
          <Tabs.Trigger value="sales" className="leaderboard-tab">
            Sales
          </Tabs.Trigger>
          <Tabs.Trigger value="views" className="leaderboard-tab">
            Views
          </Tabs.Trigger>
        </Tabs.List>

        <div className="leaderboard-controls">
          <div className="leaderboard-period" role="group" aria-label="Period">
            {PERIODS.map(([value, label]) => (
              <button
                key={value}
                type="button"
                className="secondary"
                aria-pressed={period === value}
                onClick={() => setPeriod(value)}
              >
                {label}
              </button>
            ))}
          </div>
          {period === "month" && months.length > 0 && (
            <label className="leaderboard-month">
              <span className="visually-hidden">Month</span>
              <select
                value={pastMonth ? `${pastMonth.year}-${pastMonth.month}` : "current"}
                onChange={(event) => {
                  const [year, month] = event.target.value.split("-").map(Number);
                  setPastMonth(event.target.value === "current" ? null : { year, month });
                }}
              >
                <option value="current">
                  {currentMonth
                    ? `${monthLabel(currentMonth.year, currentMonth.month, LEADERBOARD_TIME_ZONE)} (now)`
                    : "This month"}
                </option>
                {months.map(({ year, month }) => (
                  <option key={`${year}-${month}`} value={`${year}-${month}`}>
                    {monthLabel(year, month, LEADERBOARD_TIME_ZONE)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>

        {(["sales", "views"] as const).map((tab) => (
          <Tabs.Content key={tab} value={tab} className="leaderboard-panel">
            <BoardStatus
              leaderboard={matches ? leaderboard : undefined}
              current={!pastMonth}
              refreshing={isRefreshing || (!matches && leaderboard !== undefined)}
            />
            {error && (
              <div className="leaderboard-error" role="alert">
                <span>
                  {leaderboard
                    ? "Could not refresh the leaderboard; showing the last figures."
                    : "Could not load the leaderboard."}
                </span>
                <button type="button" className="secondary" onClick={() => void retry()}>
                  Retry
                </button>
              </div>
            )}
            {isLoading && !leaderboard ? (
              <Skeleton />
            ) : leaderboard ? (
              <Board leaderboard={leaderboard} stale={!matches} metric={metric} movements={movements} />
            ) : null}
          </Tabs.Content>
        ))}
      </Tabs.Root>
      <p className="leaderboard-more">
        <Dialog.Close asChild>
          <Link href={fullRankingHref(selection)}>See the full ranking</Link>
        </Dialog.Close>
      </p>
      <p className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </p>
    </div>
  );
}

export function BoardStatus({
  leaderboard,
  current,
  refreshing,
}: {
  leaderboard?: LeaderboardResponse;
  current: boolean;
  refreshing: boolean;
}) {
  // Only the status line shows relative times: only it re-renders with the clock.
  const now = useNow(CLOCK_TICK_MS);
  return (
    <div className="leaderboard-status">
      <span>
        {leaderboard &&
          (leaderboard.period === "all" || leaderboard.year === null || leaderboard.month === null ? (
            <strong>All time</strong>
          ) : (
            <>
              <strong>{monthLabel(leaderboard.year, leaderboard.month, leaderboard.timeZone)}</strong>
              {current && <> · {resetsIn(leaderboard.year, leaderboard.month, leaderboard.timeZone, now)}</>}
            </>
          ))}
      </span>
      <span className="leaderboard-updated">
        <span className={refreshing ? "leaderboard-spinner active" : "leaderboard-spinner"} aria-hidden="true" />
        {refreshing && <span className="visually-hidden">Refreshing</span>}
        {leaderboard &&
          (leaderboard.updatedAt ? <>Last updated {timeAgo(leaderboard.updatedAt, now)}</> : <>No activity yet</>)}
      </span>
    </div>
  );
}

function Skeleton() {
  return (
    <div className="leaderboard-skeleton" aria-busy="true">
      <span className="visually-hidden">Loading the leaderboard…</span>
      {Array.from({ length: 5 }, (_, index) => (
        <div key={index} className="leaderboard-skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}

function Board({
  leaderboard,
  stale,
  metric,
  movements,
}: {
  leaderboard: LeaderboardResponse;
  stale: boolean;
  metric: LeaderboardMetric;
  movements: Map<string, Movement>;
}) {
  const { entries, me } = leaderboard;
  // By id, not by rank: a seller tied with the last listed rank can still be cut off by the limit.
  const showMe = me !== null && !entries.some((entry) => entry.sellerId === me.sellerId);
  const nothing = `${metric === "sales" ? "No sales" : "No views"} ${leaderboard.period === "all" ? "yet" : "in this month"}.`;
  if (entries.length === 0 && !showMe) {
    return <p className="leaderboard-empty">{nothing} Check back soon.</p>;
  }
  return (
    <div className={stale ? "leaderboard-board stale" : "leaderboard-board"} aria-busy={stale}>
      {entries.length === 0 ? (
        <p className="leaderboard-empty">{nothing}</p>
      ) : (
        <ol className="leaderboard-list" aria-label={`Top sellers by ${metric}`}>
          {entries.map((entry) => (
            <Row key={entry.sellerId} entry={entry} metric={metric} movement={movements.get(entry.sellerId)} />
          ))}
        </ol>
      )}
      {showMe && me.rank !== null && me.rank > 10 && leaderboard.around && leaderboard.around.length > 0 ? (
        <AroundMe around={leaderboard.around} me={me.sellerId} metric={metric} />
      ) : (
        showMe && (
          <div className="leaderboard-me" aria-label="Your standing">
            <span className="leaderboard-rank">{me.rank === null ? "–" : `#${me.rank}`}</span>
            <span className="leaderboard-name">You{me.rank === null ? " (not ranked yet)" : ""}</span>
            <Figures itemsSold={me.itemsSold} totalViews={me.totalViews} metric={metric} />
          </div>
        )
      )}
    </div>
  );
}

/** The signed-in seller and the two sellers right above and below them, with their ranks. */
export function AroundMe({
  around,
  me,
  metric,
}: {
  around: LeaderboardEntry[];
  me: string;
  metric: LeaderboardMetric;
}) {
  return (
    <section className="leaderboard-around" aria-label="Around you">
      <h3 className="leaderboard-around-title">Around you</h3>
      <ol className="leaderboard-list">
        {around.map((entry) => (
          <Row key={entry.sellerId} entry={entry} metric={metric} you={entry.sellerId === me} />
        ))}
      </ol>
    </section>
  );
}

export function Row({
  entry,
  metric,
  movement,
  you = false,
}: {
  entry: LeaderboardEntry;
  metric: LeaderboardMetric;
  movement?: Movement;
  you?: boolean;
}) {
  return (
    <li className={you ? "leaderboard-row you" : "leaderboard-row"} aria-current={you ? "true" : undefined}>
      <span className="leaderboard-rank" aria-label={`Rank ${entry.rank}`}>
        {entry.rank}
      </span>
      {entry.avatarUrl ? (
        // Only avatars from the project's storage bucket get here (the server drops others); a plain img
        // avoids configuring next/image domains.
        // eslint-disable-next-line @next/next/no-img-element
        <img className="leaderboard-avatar" src={entry.avatarUrl} alt="" width={32} height={32} />
      ) : (
        <span className="leaderboard-avatar initials" aria-hidden="true">
          {initials(entry.displayName)}
        </span>
      )}
      <span className="leaderboard-name">
        <span className="leaderboard-name-text" title={entry.displayName}>
          {entry.displayName}
        </span>
        {you && <span className="leaderboard-you">(you)</span>}
        {movement && (
          <span className={`leaderboard-move ${movement}`} title={movement === "up" ? "Moved up" : "Moved down"}>
            <span aria-hidden="true">{movement === "up" ? "▲" : "▼"}</span>
            <span className="visually-hidden">{movement === "up" ? "moved up" : "moved down"}</span>
          </span>
        )}
      </span>
      <Figures itemsSold={entry.itemsSold} totalViews={entry.totalViews} metric={metric} />
    </li>
  );
}

function Figures({
  itemsSold,
  totalViews,
  metric,
}: {
  itemsSold: number;
  totalViews: number;
  metric: LeaderboardMetric;
}) {
  const sold = `${itemsSold.toLocaleString("en-US")} sold`;
  const views = formatViews(totalViews);
  return (
    <span className="leaderboard-figures">
      {metric === "sales" ? (
        <>
          <strong>{sold}</strong> <span>{views}</span>
        </>
      ) : (
        <>
          <strong>{views}</strong> <span>{sold}</span>
        </>
      )}
    </span>
  );
}
