import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { errorResponse, handler } from "@/lib/api/handler";
import { clientAddress, RateLimiter } from "@/lib/api/rate-limit";
import { cookieOptions, ONE_YEAR_SECONDS, VIEWER_SESSION_COOKIE } from "@/lib/auth/cookies";
import { rpc, SERVICE_ROLE } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { productIdParams } from "@/lib/validation/products";

const VIEWS_PER_MINUTE = 60;
const WINDOW_MS = 60_000;
const viewLimiter = new RateLimiter(VIEWS_PER_MINUTE, WINDOW_MS);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST /api/products/:id/views -> { counted }. Signed-in viewers are recorded as themselves.
 * Anonymous shoppers are recorded by the server (service_role) under their viewer_session cookie,
 * because only service_role may name a session: nobody can mint views with the public key.
 */
export const POST = handler({ params: productIdParams }, async ({ request, params, session }) => {
  if (!viewLimiter.take(clientAddress(request))) {
    // A fixed one-minute window: waiting a full window is always enough.
    return errorResponse(new AppError("rate_limited", "Too many views from your address. Try again in a minute."), {
      "Retry-After": String(WINDOW_MS / 1000),
    });
  }

  if (session.role === "authenticated") {
    return { counted: await rpc("record_product_view", { p_product_id: params.id }, session) };
  }

  // The proxy normally sets the cookie on the first page view; a client that skipped it gets one here.
  const existing = request.cookies.get(VIEWER_SESSION_COOKIE)?.value;
  const viewerSession = existing && UUID.test(existing) ? existing : randomUUID();
  const counted = await rpc("record_product_view", { p_product_id: params.id, p_session_id: viewerSession }, SERVICE_ROLE);
  const response = NextResponse.json({ counted });
  if (viewerSession !== existing) {
    response.cookies.set(
      VIEWER_SESSION_COOKIE,
      viewerSession,
      cookieOptions(request.nextUrl.protocol === "https:", ONE_YEAR_SECONDS),
    );
  }
  return response;
});
