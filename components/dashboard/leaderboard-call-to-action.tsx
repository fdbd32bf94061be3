import type { ReactNode } from "react";

/**
 * Where the dashboard invites the seller to the leaderboard. The leaderboard itself (a modal with its
 * own "Leaderboard" button) is built in components/leaderboard/: at merge, pass its LeaderboardButton
 * as `action` from SellerDashboard (look for LEADERBOARD_BUTTON_SLOT). Nothing is ranked here.
 */
export function LeaderboardCallToAction({ action }: { action?: ReactNode }) {
  return (
    <section className="card leaderboard-cta" aria-labelledby="leaderboard-cta-title" data-slot="leaderboard-button">
      <h2 id="leaderboard-cta-title">How you compare</h2>
      <p className="muted">See the top sellers by sales and by views, this month and all time.</p>
      {action}
    </section>
  );
}
