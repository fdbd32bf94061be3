import type { Metadata } from "next";
import Link from "next/link";
import { FullRanking } from "@/components/leaderboard/full-ranking";
import { fullRankingHref, rankingTitle } from "@/components/leaderboard/format";
import { currentSession } from "@/lib/auth/session";
import { getLeaderboard } from "@/lib/leaderboard";
import { FULL_RANKING_PAGE_SIZE, leaderboardQuerySchema } from "@/lib/validation/leaderboard";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The board and page the address names (metric, period, year, month, cursor); other parameters are ignored. */
function boardFromAddress(searchParams: Record<string, string | string[] | undefined>) {
  const picked: Record<string, string> = {};
  for (const name of ["metric", "period", "year", "month", "cursor"]) {
    const value = searchParams[name];
    if (typeof value === "string" && value !== "") picked[name] = value;
  }
  const parsed = leaderboardQuerySchema.safeParse({ ...picked, limit: FULL_RANKING_PAGE_SIZE });
  return parsed.success ? { query: parsed.data, cursor: picked.cursor ?? null } : null;
}

/** Open Graph and page titles name the board, so a shared link previews as "Top sellers by views · June 2026". */
export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const board = boardFromAddress(await searchParams);
  const title = board ? rankingTitle(board.query) : "Top sellers";
  const description = "Every seller's place on the marketplace's leaderboard, 50 at a time, updated live.";
  const url = board ? fullRankingHref({ ...board.query, cursor: board.cursor }) : "/leaderboard";
  return {
    title,
    description,
    openGraph: { title, description, type: "website", url, siteName: "Marketplace" },
    twitter: { card: "summary", title, description },
  };
}

/** The full ranking, rendered on the server first (a shared link shows its rows at once); live after that. */
export default async function LeaderboardPage({ searchParams }: { searchParams: SearchParams }) {
  const board = boardFromAddress(await searchParams);
  if (!board) {
    return (
      <>
        <h1>Leaderboard</h1>
        <p role="alert" className="alert">
          This link to the ranking is not valid or no longer fits its board.{" "}
          <Link href="/leaderboard">See the top of the ranking</Link>
        </p>
      </>
    );
  }
  const session = await currentSession();
  const signedIn = session.role === "authenticated";
  const leaderboard = await getLeaderboard({ ...board.query, around: signedIn ? "me" : undefined }, session);
  const now = new Date();
  return (
    <>
      <h1>Leaderboard</h1>
      <FullRanking
        selection={{
          metric: board.query.metric,
          period: board.query.period,
          year: board.query.year ?? null,
          month: board.query.month ?? null,
          cursor: board.cursor,
        }}
        signedIn={signedIn}
        currentMonth={{ year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 }}
        initialLeaderboard={leaderboard}
      />
    </>
  );
}
