import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { errorResponse, handler } from "@/lib/api/handler";
import { ACCESS_TOKEN_COOKIE, cookieOptions } from "@/lib/auth/cookies";
import { DEMO_TOKEN_LIFETIME_SECONDS, signDemoToken } from "@/lib/auth/tokens";
import { getConfig } from "@/lib/config";
import { rpc, SERVICE_ROLE } from "@/lib/db";
import { AppError } from "@/lib/errors";

const demoSignInSchema = z.strictObject({ userId: z.uuid("userId must be a UUID.") });

const signIn = handler({ body: demoSignInSchema }, async ({ request, body }) => {
  const users = await rpc("list_demo_users", {}, SERVICE_ROLE);
  const user = users.find((candidate) => candidate.id === body.userId);
  if (!user) throw new AppError("not_found", "There is no demo user with that id.");

  const token = await signDemoToken(user.id, getConfig().jwt.secret!);
  const response = NextResponse.json({
    user: { id: user.id, displayName: user.display_name, avatarUrl: (user.avatar_url as string | null) ?? null },
  });
  response.cookies.set(
    ACCESS_TOKEN_COOKIE,
    token,
    cookieOptions(request.nextUrl.protocol === "https:", DEMO_TOKEN_LIFETIME_SECONDS),
  );
  return response;
});

/**
 * POST /api/auth/demo-sign-in {userId}: act as any seeded user. Only with the embedded database
 * (demo data, local secret); everywhere else the route does not exist.
 */
export async function POST(request: NextRequest, context: { params: Promise<Record<string, string>> }) {
  let enabled = false;
  try {
    enabled = getConfig().demoSignIn;
  } catch {
    // Misconfigured server: the rest of the app reports it; this route simply is not there.
  }
  if (!enabled) return errorResponse(new AppError("not_found", "Demo sign-in is not available here."));
  return signIn(request, context);
}
