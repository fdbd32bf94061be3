import { NextResponse } from "next/server";
import { handler } from "@/lib/api/handler";
import { clientAddress, clientKey, nestedAddressKeys } from "@/lib/api/client-address";
import { enforceRateLimit } from "@/lib/api/rate-limit";
import { cookieOptions, ONE_YEAR_SECONDS, VIEWER_SESSION_COOKIE } from "@/lib/auth/cookies";
import { getLimits } from "@/lib/config";
import { productIdParams } from "@/lib/validation/products";
import { isObviousBot } from "@/lib/views/bots";
import { recordView } from "@/lib/views/record";
import { newViewerSessionCookie, verifiedViewerSession } from "@/lib/views/viewer-session";

// The same words as record_product_view's PT429.
const RATE_LIMITED = "Too many views from your address. Try again in a minute.";

let warnedAboutUnknownAddress = false;

/** Once per process: anonymous views are arriving whose address cannot be told, so none of them counts. */
function warnAboutUnknownAddress() {
  if (warnedAboutUnknownAddress) return;
  warnedAboutUnknownAddress = true;
  console.warn(
    "An anonymous product view came without a known client address (TRUST_PROXY is set but the request " +
      "has no X-Forwarded-For entry for it, or the socket address is missing): such views never count.",
  );
}

/**
 * POST /api/products/:id/views -> { counted }. Only the server records views: signed-in viewers as
 * their verified user, anonymous shoppers under the viewer_session cookie the server signed and gave
 * them (a request without it, or with one the server did not sign, is answered { counted: false } with
 * a fresh cookie). Obvious bots are answered and not counted. Each client address may send
 * VIEW_REQUESTS_PER_MINUTE requests a minute (then 429), and adds at most a few views per product and
 * a budget per seller and month (record_product_view); an anonymous view from an unknown address never
 * counts.
 */
export const POST = handler({ params: productIdParams }, async ({ request, params, session }) => {
  if (isObviousBot(request.headers.get("user-agent"))) return { counted: false };

  const viewerSession = verifiedViewerSession(request.cookies.get(VIEWER_SESSION_COOKIE)?.value);
  const address = clientAddress(request);
  const addressKeys = address ? nestedAddressKeys(address).map(clientKey) : null;
  // Unknown address: limit per viewer session instead (never one bucket shared by everybody).
  const limitKey = addressKeys?.[0] ?? (viewerSession && clientKey(`session:${viewerSession}`));
  const rateLimit = limitKey ? { key: `views:${limitKey}`, perMinute: getLimits().VIEW_REQUESTS_PER_MINUTE } : null;

  if (session.role === "authenticated")
    return { counted: await recordView(params.id, { userId: session.userId }, addressKeys, rateLimit) };

  if (!viewerSession) {
    // No view to record, so the request is counted on its own (the same window as recordView's).
    if (rateLimit) await enforceRateLimit(rateLimit.key, rateLimit.perMinute, 60, RATE_LIMITED);
    const response = NextResponse.json({ counted: false });
    response.cookies.set(
      VIEWER_SESSION_COOKIE,
      newViewerSessionCookie(),
      cookieOptions(request.nextUrl.protocol === "https:", ONE_YEAR_SECONDS),
    );
    return response;
  }
  if (!addressKeys) warnAboutUnknownAddress();
  return { counted: await recordView(params.id, { sessionId: viewerSession }, addressKeys, rateLimit) };
});
