import type { ReactNode } from "react";

/**
 * Where the dashboard invites the seller to the leaderboard: `action` is the button that opens the
 * leaderboard modal (components/leaderboard). Nothing is ranked here.
 */
export function LeaderboardCallToAction({ action }: { action?: ReactNode }) {
  return (
    <section className="card leaderboard-cta" aria-labelledby="leaderboard-cta-title">
      <h2 id="leaderboard-cta-title">How you compare</h2>
      <p className="muted">See the top sellers by sales and by views, this month and all time.</p>
      {action}
    </section>
  );
}
