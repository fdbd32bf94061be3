/** Recording product views through the one database seam (the route decides who the viewer is). */
import "server-only";
import { rpc, SERVICE_ROLE, type DbSession } from "../db";
import { leaderboardWatcher } from "../leaderboard/watcher";

/** A view that counted changed the leaderboard: this process's watcher tells its streams at once. */
function wakeIfCounted(counted: boolean): boolean {
  if (counted) leaderboardWatcher.wake();
  return counted;
}

/** A signed-in viewer, recorded as themselves (their JWT decides who viewed). */
export function recordSignedInView(productId: string, session: DbSession): Promise<boolean> {
  return rpc("record_product_view", { p_product_id: productId }, session).then(wakeIfCounted);
}

/**
 * An anonymous shopper, recorded by the server (service_role) under their viewer_session, with the
 * keyed hash of their address (null when unknown) for the per-address monthly cap.
 */
export function recordAnonymousView(
  productId: string,
  viewerSession: string,
  clientKey: string | null,
): Promise<boolean> {
  return rpc(
    "record_product_view",
    { p_product_id: productId, p_session_id: viewerSession, ...(clientKey ? { p_client_key: clientKey } : {}) },
    SERVICE_ROLE,
  ).then(wakeIfCounted);
}
