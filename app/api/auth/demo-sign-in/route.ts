import { NextResponse } from "next/server";
import { handler } from "@/lib/api/handler";
import { ACCESS_TOKEN_COOKIE, cookieOptions } from "@/lib/auth/cookies";
import { embeddedDatabaseProven, findDemoUser } from "@/lib/auth/demo";
import { DEMO_TOKEN_LIFETIME_SECONDS, signDemoToken } from "@/lib/auth/tokens";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { demoSignInSchema } from "@/lib/validation/auth";

/**
 * POST /api/auth/demo-sign-in {userId}: act as any seeded user. Only against the embedded database
 * the launcher started (demo data, local secret); everywhere else the route does not exist.
 */
export const POST = handler({ body: demoSignInSchema }, async ({ request, body }) => {
  const config = getConfig();
  if (config.mode !== "embedded" || !(await embeddedDatabaseProven()))
    throw new AppError("not_found", "Demo sign-in is not available here.");
  const user = await findDemoUser(body.userId);
  if (!user) throw new AppError("not_found", "There is no demo user with that id.");

  const token = await signDemoToken(user.id, config.jwt.secret);
  const response = NextResponse.json({ user });
  response.cookies.set(
    ACCESS_TOKEN_COOKIE,
    token,
    cookieOptions(request.nextUrl.protocol === "https:", DEMO_TOKEN_LIFETIME_SECONDS),
  );
  return response;
});
