"use client";
/**
 * The full ranking (/leaderboard): the modal's tabs, 50 sellers a page, pages by cursor, the signed-in
 * seller's neighbours. The address holds the board and the page (metric, period, year, month, cursor), so
 * every view can be shared. Live: the tab's one stream revalidates the page; new figures for the same rows
 * in the same order show at once, but a change of order waits for the reader ("Show the new order"), so the
 * rows being read never jump.
 */
import * as Tabs from "@radix-ui/react-tabs";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { useLiveUpdates } from "@/lib/leaderboard/live-updates";
import { leaderboardKey, useLeaderboard, type LeaderboardSelection } from "@/lib/swr/use-leaderboard";
import {
  FULL_RANKING_PAGE_SIZE,
  LEADERBOARD_TIME_ZONE,
  type LeaderboardMetric,
  type LeaderboardPeriod,
  type LeaderboardResponse,
} from "@/lib/validation/leaderboard";
import { fullRankingHref, monthLabel, pastMonths } from "./format";
import { AroundMe, BoardStatus, Row } from "./leaderboard-modal";

export interface FullRankingSelection {
  metric: LeaderboardMetric;
  period: LeaderboardPeriod;
  year: number | null;
  month: number | null;
  cursor: string | null;
}

const sameOrder = (a: LeaderboardResponse, b: LeaderboardResponse) =>
  a.entries.length === b.entries.length && a.entries.every((entry, i) => entry.sellerId === b.entries[i].sellerId);

/**
 * The answer on screen: a newer answer for the same page replaces it when its rows come in the same order,
 * else it waits (`pending`) until `showPending`. Another page or board always shows at once.
 */
function useSteadyRows(key: string, latest: LeaderboardResponse) {
  const [shown, setShown] = useState({ key, leaderboard: latest });
  const [pending, setPending] = useState<LeaderboardResponse | null>(null);
  if (latest !== shown.leaderboard && latest !== pending) {
    if (shown.key !== key || sameOrder(shown.leaderboard, latest)) {
      setShown({ key, leaderboard: latest });
      setPending(null);
    } else {
      setPending(latest);
    }
  }
  const showPending = () => {
    if (pending) setShown({ key, leaderboard: pending });
    setPending(null);
  };
  return { shown: shown.key === key ? shown.leaderboard : latest, pending, showPending };
}

const noSubscription = () => () => {};

export function FullRanking({
  selection,
  signedIn,
  currentMonth,
  initialLeaderboard,
  refreshInterval,
}: {
  selection: FullRankingSelection;
  signedIn: boolean;
  currentMonth: { year: number; month: number };
  initialLeaderboard: LeaderboardResponse;
  refreshInterval?: number;
}) {
  const router = useRouter();
  // The status line's relative times ("5 minutes ago") follow the browser's clock: rendered after hydration.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const request: LeaderboardSelection = { ...selection, limit: FULL_RANKING_PAGE_SIZE, aroundMe: signedIn };
  const {
    leaderboard = initialLeaderboard,
    error,
    isRefreshing,
  } = useLeaderboard(request, {
    refreshInterval,
    fallbackData: initialLeaderboard,
  });
  useLiveUpdates();
  const { shown, pending, showPending } = useSteadyRows(leaderboardKey(request), leaderboard);

  const { metric, period } = selection;
  const go = (next: Partial<FullRankingSelection>) =>
    router.push(fullRankingHref({ ...selection, cursor: null, ...next }));
  const months = pastMonths(shown.firstMonth, currentMonth);
  const { me, around = [] } = shown;
  const pageLabel = `${metric === "sales" ? "Sales" : "Views"} ranking`;

  return (
    <div className="full-ranking leaderboard-body">
      <Tabs.Root value={metric} onValueChange={(value) => go({ metric: value as LeaderboardMetric })}>
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
            {(
              [
                ["month", "This month"],
                ["all", "All time"],
              ] as const
            ).map(([value, label]) => (
              <button
                key={value}
                type="button"
                className="secondary"
                aria-pressed={period === value}
                onClick={() => go({ period: value, year: null, month: null })}
              >
                {label}
              </button>
            ))}
          </div>
          {period === "month" && months.length > 0 && (
            <label className="leaderboard-month">
              <span className="visually-hidden">Month</span>
              <select
                value={shown.year && selection.year ? `${shown.year}-${shown.month}` : "current"}
                onChange={(event) => {
                  const [year, month] = event.target.value.split("-").map(Number);
                  go(event.target.value === "current" ? { year: null, month: null } : { year, month });
                }}
              >
                <option value="current">
                  {monthLabel(currentMonth.year, currentMonth.month, LEADERBOARD_TIME_ZONE)} (now)
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
            {hydrated ? (
              <BoardStatus leaderboard={shown} current={selection.year === null} refreshing={isRefreshing} />
            ) : (
              <div className="leaderboard-status" />
            )}
            {error && (
              <p className="leaderboard-error" role="alert">
                Could not refresh the ranking; showing the last figures.
              </p>
            )}
            {me && me.rank !== null && me.rank > 10 && around.length > 0 && (
              <AroundMe around={around} me={me.sellerId} metric={metric} />
            )}
            {pending && (
              <p className="leaderboard-pending" role="status">
                <span>The ranking has changed.</span>
                <button type="button" className="secondary" onClick={showPending}>
                  Show the new order
                </button>
              </p>
            )}
            {shown.entries.length === 0 ? (
              <p className="leaderboard-empty">
                {selection.cursor ? "No more sellers on this board." : "Nobody is ranked here yet."}
              </p>
            ) : (
              <ol className="leaderboard-list" aria-label={pageLabel}>
                {shown.entries.map((entry) => (
                  <Row key={entry.sellerId} entry={entry} metric={metric} you={entry.sellerId === me?.sellerId} />
                ))}
              </ol>
            )}
            <nav className="leaderboard-pager" aria-label="Pages">
              {selection.cursor && <Link href={fullRankingHref({ ...selection, cursor: null })}>Top</Link>}
              {shown.prevCursor && (
                <Link href={fullRankingHref({ ...selection, cursor: shown.prevCursor })} rel="prev">
                  ← Previous {FULL_RANKING_PAGE_SIZE}
                </Link>
              )}
              {shown.nextCursor && (
                <Link href={fullRankingHref({ ...selection, cursor: shown.nextCursor })} rel="next">
                  Next {FULL_RANKING_PAGE_SIZE} →
                </Link>
              )}
            </nav>
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </div>
  );
}
