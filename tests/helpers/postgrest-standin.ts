/**
 * A small stand-in for PostgREST, for testing the supabase transport end to end: it answers
 * POST /rest/v1/rpc/:name the way PostgREST does (JWT role from the apikey/Authorization header, JSON
 * body as named arguments, errors as {code, message, details, hint} with PostgREST's statuses) by
 * calling the postgres transport. It stands in for PostgREST, not for the database.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { jwtVerify, SignJWT } from "jose";
import { callPostgres } from "../../lib/db/postgres";
import type { DbSession, RpcName } from "../../lib/db/types";

export interface StandIn {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  close(): Promise<void>;
}

/** Supabase's API keys are JWTs signed with the project's secret, carrying the role. */
export function apiKey(role: "anon" | "service_role", secret: string): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("supabase-demo")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));
}

function statusFor(code: string): number {
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  if (code === "42501") return 403;
  if (code === "42883") return 404;
  if (code.startsWith("23")) return code === "23505" || code === "23503" ? 409 : 400;
  if (code.startsWith("22")) return 400;
  return 400;
}

export async function startPostgrestStandIn(databaseUrl: string, secret: string): Promise<StandIn> {
  const key = new TextEncoder().encode(secret);
  const server = http.createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const match = request.url?.match(/^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)(\?.*)?$/);
    if (request.method !== "POST" || !match)
      return reply(404, { code: "PGRST125", message: "Not found", details: null, hint: null });
    const token =
      (request.headers.authorization ?? "").replace(/^Bearer\s+/i, "") || String(request.headers.apikey ?? "");
    let session: DbSession;
    try {
      const { payload } = await jwtVerify(token, key);
      if (payload.role === "authenticated" && typeof payload.sub === "string") {
        session = {
          role: "authenticated",
          userId: payload.sub,
          accessToken: token,
          claims: payload as Record<string, unknown>,
        };
      } else if (payload.role === "anon" || payload.role === "service_role") {
        session = { role: payload.role };
      } else {
        return reply(401, { code: "PGRST301", message: "JWT role not allowed", details: null, hint: null });
      }
    } catch {
      return reply(401, { code: "PGRST301", message: "JWT could not be verified", details: null, hint: null });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      const args = text ? JSON.parse(text) : {};
      const data = await callPostgres(databaseUrl, match[1] as RpcName, args, session);
      reply(200, data);
    } catch (error) {
      const failure = error as { code?: string; message: string; detail?: string; hint?: string };
      const code = failure.code ?? "";
      if (!/^[0-9A-Z]{5}$/.test(code))
        return reply(503, { code: "PGRST001", message: "Database client error", details: null, hint: null });
      reply(statusFor(code), {
        code,
        message: failure.message,
        details: failure.detail ?? null,
        hint: failure.hint ?? null,
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    anonKey: await apiKey("anon", secret),
    serviceRoleKey: await apiKey("service_role", secret),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
