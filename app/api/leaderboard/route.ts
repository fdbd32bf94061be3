import { handler } from "@/lib/api/handler";
import { getLeaderboard } from "@/lib/leaderboard";
import { leaderboardQuerySchema } from "@/lib/validation/leaderboard";

// Always exact at commit: never cached by Next.js or a proxy.
export const dynamic = "force-dynamic";

export const GET = handler({ auth: "optional", query: leaderboardQuerySchema }, async ({ query, session }) => {
  const leaderboard = await getLeaderboard(query, session);
  return Response.json(leaderboard, { headers: { "Cache-Control": "no-store" } });
});
