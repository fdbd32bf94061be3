/**
 * Rate limits and quotas: fixed-window counters kept in Postgres (public.take_rate_limit), one row per
 * key upserted per request, so every app instance counts against the same budget, memory stays
 * bounded (expired windows are deleted as calls go by) and each request costs one upsert.
 */
import "server-only";
import { rpc, SERVICE_ROLE } from "../db";
import { AppError } from "../errors";

/** Counts one request of `key`; throws 429 (with the seconds to wait) beyond `limit` per window. */
export async function enforceRateLimit(key: string, limit: number, windowSeconds: number, message: string) {
  const retryAfterSeconds = await rpc(
    "take_rate_limit",
    { p_key: key, p_limit: limit, p_window_seconds: windowSeconds },
    SERVICE_ROLE,
  );
  if (retryAfterSeconds > 0) throw new AppError("rate_limited", message, { retryAfterSeconds });
}

/** The Retry-After header of a 429 that says how long to wait. */
export function retryAfterHeader(error: AppError): Record<string, string> | undefined {
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return error.code === "rate_limited" && typeof seconds === "number" && seconds > 0
    ? { "Retry-After": String(Math.ceil(seconds)) }
    : undefined;
}
