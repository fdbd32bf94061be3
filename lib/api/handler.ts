/**
 * The one wrapper for route handlers: cross-site request checks for state-changing methods, session
 * (auth), then zod validation of params, query and body, then the handler, with every failure
 * answered in the one error shape (lib/errors.ts).
 */
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { resolveSession } from "../auth/session";
import type { DbSession } from "../db/types";
import { AppError } from "../errors";
import { trustedProxyHops } from "./client-address";
import { retryAfterHeader } from "./rate-limit";

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

export interface HandlerContext<Params, Query, Body> {
  request: NextRequest;
  session: DbSession;
  /** The verified user's id, or null when signed out. Never read from the request body or query. */
  userId: string | null;
  params: Params;
  query: Query;
  body: Body;
}

interface HandlerSpec<Params, Query, Body> {
  auth?: "required" | "optional";
  params?: z.ZodType<Params>;
  query?: z.ZodType<Query>;
  body?: z.ZodType<Body>;
  maxBodyBytes?: number;
  /** Status of a successful answer (default 200). */
  status?: number;
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/** The error in the one shape; a 429 that knows how long to wait says so in Retry-After. */
export function errorResponse(error: AppError, headers?: HeadersInit): NextResponse {
  return NextResponse.json(error.toBody(), { status: error.status, headers: headers ?? retryAfterHeader(error) });
}

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError("invalid_input", `Invalid ${what}.`, {
      issues: result.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: issue.message,
        code: issue.code,
      })),
    });
  }
  return result.data;
}

/**
 * The body as text, read only up to `maxBytes`: a larger one is refused (413) as soon as it passes the
 * limit, whether or not it declared a Content-Length (a chunked body is never read in full).
 */
async function readBodyText(request: NextRequest, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`);
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJsonBody(request: NextRequest, maxBytes: number): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.");
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF: a state-changing request must be JSON (a cross-site form cannot send that without a CORS
 * preflight, which we never grant) and must not come from another site or origin. Browsers say
 * where a request comes from in Sec-Fetch-Site and Origin; a request with neither is not from a
 * browser page (curl, a server), so it cannot carry a visitor's cookies by accident.
 */
function checkStateChangingRequest(request: NextRequest): void {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") {
    throw new AppError("forbidden", "Requests from other sites are not allowed.");
  }
  const origin = request.headers.get("origin");
  if (origin) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      // "null" (sandboxed pages, some redirects) or garbage: not our origin.
    }
    const hosts: (string | null)[] = [request.headers.get("host") ?? request.nextUrl.host];
    if (trustedProxyHops() > 0) hosts.push(request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? null);
    if (!originHost || !hosts.includes(originHost))
      throw new AppError("forbidden", "Requests from other sites are not allowed.");
  }
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    throw new AppError("unsupported_media_type", "Send the request as JSON (Content-Type: application/json).");
  }
}

export function handler<Params = Record<string, never>, Query = Record<string, never>, Body = undefined>(
  spec: HandlerSpec<Params, Query, Body>,
  run: (context: HandlerContext<Params, Query, Body>) => Promise<unknown>,
) {
  return async (request: NextRequest, routeContext?: RouteContext): Promise<Response> => {
    try {
      if (!SAFE_METHODS.has(request.method)) checkStateChangingRequest(request);
      const session = await resolveSession({
        authorization: request.headers.get("authorization"),
        cookies: request.cookies,
      });
      if (spec.auth === "required" && session.role !== "authenticated") {
        throw new AppError("unauthorized", "Sign in to do this.");
      }
      const rawParams = (await routeContext?.params) ?? {};
      const params = spec.params ? validate(spec.params, rawParams, "path") : (rawParams as Params);
      const query = spec.query
        ? validate(spec.query, Object.fromEntries(request.nextUrl.searchParams), "query parameters")
        : ({} as Query);
      const body = spec.body
        ? validate(spec.body, await readJsonBody(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), "request body")
        : (undefined as Body);
      const userId = session.role === "authenticated" ? session.userId : null;
      const result = await run({ request, session, userId, params, query, body });
      return result instanceof Response ? result : NextResponse.json(result, { status: spec.status ?? 200 });
    } catch (error) {
      if (error instanceof AppError) return errorResponse(error);
      console.error(`${request.method} ${request.nextUrl.pathname} failed:`, error);
      return errorResponse(new AppError("internal", "Something went wrong on our side."));
    }
  };
}
