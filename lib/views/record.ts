/**
 * Recording product views through the one database seam. Only the server records views
 * (record_product_view is executable by service_role alone): the route decides who the viewer is
 * (a verified user or a signed viewer_session) and passes the keyed hashes of the client's address
 * for the per-address caps and budgets.
 */
import "server-only";
import { getLimits } from "../config";
import { rpc, SERVICE_ROLE } from "../db";
import { leaderboardWatcher } from "../leaderboard/watcher";

export type Viewer = { userId: string } | { sessionId: string };

/** A view that counted changed the leaderboard: this process's watcher tells its streams at once. */
function wakeIfCounted(counted: boolean): boolean {
  if (counted) leaderboardWatcher.wake();
  return counted;
}

/** The client's view requests a minute, counted under `key` (in the same database call as the view). */
export interface ViewRateLimit {
  key: string;
  perMinute: number;
}

/**
 * True when the view counted. `clientKeys`: keyed hashes of the address, most specific first (an IPv4
 * address, or an IPv6 /64, /56 and /48), or null when the address is unknown (then an anonymous view
 * never counts). Beyond the rate limit it throws `rate_limited` (429, with the seconds to wait).
 */
export function recordView(
  productId: string,
  viewer: Viewer,
  clientKeys: string[] | null,
  rateLimit: ViewRateLimit | null,
): Promise<boolean> {
  const limits = getLimits();
  const budgets = [
    limits.VIEW_BUDGET_PER_SELLER,
    limits.VIEW_BUDGET_PER_SELLER_IPV6_56,
    limits.VIEW_BUDGET_PER_SELLER_IPV6_48,
  ];
  return rpc(
    "record_product_view",
    {
      p_product_id: productId,
      ...("userId" in viewer ? { p_user_id: viewer.userId } : { p_session_id: viewer.sessionId }),
      ...(clientKeys?.length
        ? { p_client_keys: clientKeys, p_seller_budgets: budgets.slice(0, clientKeys.length) }
        : {}),
      ...(rateLimit ? { p_rate_key: rateLimit.key, p_rate_limit: rateLimit.perMinute } : {}),
    },
    SERVICE_ROLE,
  ).then(wakeIfCounted);
}
