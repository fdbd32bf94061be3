import { NextResponse } from "next/server";
import { errorResponse, handler } from "@/lib/api/handler";
import { clientAddress, clientKey } from "@/lib/api/client-address";
import { RateLimiter } from "@/lib/api/rate-limit";
import { cookieOptions, ONE_YEAR_SECONDS, VIEWER_SESSION_COOKIE } from "@/lib/auth/cookies";
import { AppError } from "@/lib/errors";
import { productIdParams } from "@/lib/validation/products";
import { isObviousBot } from "@/lib/views/bots";
import { recordAnonymousView, recordSignedInView } from "@/lib/views/record";
import { newViewerSessionCookie, verifiedViewerSession } from "@/lib/views/viewer-session";

const VIEWS_PER_MINUTE = 60;
const WINDOW_MS = 60_000;
const viewLimiter = new RateLimiter(VIEWS_PER_MINUTE, WINDOW_MS);

/**
 * POST /api/products/:id/views -> { counted }. Signed-in viewers are recorded as themselves.
 * Anonymous shoppers are recorded by the server (service_role) under the viewer_session cookie the
 * server signed and gave them: a request without it (or with one the server did not sign) is answered
 * { counted: false } with a fresh cookie, so a client that drops or invents cookies never counts. Obvious bots are answered and not counted. At most a few
 * anonymous views per client address, product and month count (record_product_view's cap).
 */
export const POST = handler({ params: productIdParams }, async ({ request, params, session }) => {
  if (isObviousBot(request.headers.get("user-agent"))) return { counted: false };

  const viewerSession = verifiedViewerSession(request.cookies.get(VIEWER_SESSION_COOKIE)?.value);
  const address = clientAddress(request);
  // Unknown address: limit per viewer session instead (never one bucket shared by everybody).
  const limitKey = address ?? (viewerSession && `session:${viewerSession}`);
  if (limitKey && !viewLimiter.take(limitKey)) {
    // A fixed one-minute window: waiting a full window is always enough.
    return errorResponse(new AppError("rate_limited", "Too many views from your address. Try again in a minute."), {
      "Retry-After": String(WINDOW_MS / 1000),
    });
  }

  if (session.role === "authenticated") return { counted: await recordSignedInView(params.id, session) };

  if (!viewerSession) {
    const response = NextResponse.json({ counted: false });
    response.cookies.set(
      VIEWER_SESSION_COOKIE,
      newViewerSessionCookie(),
      cookieOptions(request.nextUrl.protocol === "https:", ONE_YEAR_SECONDS),
    );
    return response;
  }
  return { counted: await recordAnonymousView(params.id, viewerSession, address ? clientKey(address) : null) };
});
