/**
 * Maps database failures (a SQLSTATE from pg, or a PostgREST error from supabase-js) to the app's
 * one error shape. Raw database messages never reach the browser, except the ones our own SQL
 * functions raise on purpose (codes PT4xx and 22023), which are written for users. Constraint names
 * stay in the server log.
 */
import "server-only";
import { AppError, type ErrorCode } from "../errors";

/** Our SQL functions raise these (PostgREST's convention: PTxyz answers HTTP xyz). */
const APPLICATION_CODES: Record<string, ErrorCode> = {
  PT400: "invalid_input",
  PT401: "unauthorized",
  PT403: "forbidden",
  PT404: "not_found",
  PT409: "conflict",
  PT429: "rate_limited",
};

/** Friendly messages for the constraints a user can hit with bad input. */
const CONSTRAINT_MESSAGES: Record<string, string> = {
  products_title_check: "Title must be between 1 and 200 characters.",
  products_description_check: "Description must be at most 5000 characters.",
  products_price_check: "Price must be zero or more.",
  products_status_check: "Status must be active, sold or draft.",
  products_sold_at_not_future: "A sale date cannot be in the future.",
  products_sold_at_matches_status: "A product has a sale date exactly when it is sold.",
  users_display_name_check: "Display name must be between 1 and 80 characters.",
  products_seller_id_fkey: "Your account has no seller profile (any more). Sign out and sign in again.",
  messages_body_check: "A message must be between 1 and 4000 characters.",
  messages_not_to_self: "You cannot send a message to yourself.",
  sales_buyer_response_check: "The answer is confirm or not_me.",
};

/** protocol_violation (a NUL byte in a parameter), character_not_in_repertoire, untranslatable_character. */
const BAD_INPUT_CODES = new Set(["08P01", "22021", "22P05"]);

const UNAVAILABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "EPIPE",
]);

export interface DatabaseFailure {
  code?: string;
  message?: string;
  constraint?: string;
  /** PostgREST's name for a raised exception's detail ... */
  details?: string | null;
  /** ... and pg's. */
  detail?: string;
  hint?: string | null;
  /** HTTP status of a PostgREST answer (supabase transport). */
  status?: number;
}

/** Only after BAD_INPUT_CODES (toAppError): those are 08xxx too, but not an outage. */
function isUnavailable(failure: DatabaseFailure): boolean {
  const code = failure.code ?? "";
  return (
    UNAVAILABLE_NODE_CODES.has(code) ||
    code.startsWith("08") || // connection exceptions
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03" || // admin shutdown, crash, cannot connect now
    code === "53300" || // too many connections
    /^PGRST00[0-3]$/.test(code) || // PostgREST cannot reach the database
    failure.status === 503 ||
    /fetch failed|ECONNREFUSED|Connection terminated|timeout exceeded when trying to connect/i.test(
      failure.message ?? "",
    )
  );
}

/** Serialization failures and deadlocks: the whole call is one transaction, so it is safe to retry. */
export function isRetryable(failure: DatabaseFailure): boolean {
  return failure.code === "40001" || failure.code === "40P01";
}

export function toAppError(failure: DatabaseFailure, role: string): AppError {
  const code = failure.code ?? "";
  const application = APPLICATION_CODES[code];
  if (application) {
    // A quota raised in SQL puts the seconds to wait in its detail (Retry-After).
    const wait = code === "PT429" ? Number(failure.details ?? failure.detail) : NaN;
    return new AppError(
      application,
      failure.message || "Request refused.",
      Number.isFinite(wait) && wait > 0 ? { retryAfterSeconds: wait } : undefined,
    );
  }
  // Bad bytes in the input (a NUL byte breaks the wire protocol: 08P01), not an outage.
  if (BAD_INPUT_CODES.has(code))
    return new AppError("invalid_input", "The input contains characters that cannot be stored.");
  if (isUnavailable(failure))
    return new AppError("database_unavailable", "The database is unavailable. Please try again shortly.");
  // PostgREST refused the token itself (PGRST3xx: JWT invalid, expired or with an unknown role).
  if (code.startsWith("PGRST3") || failure.status === 401) {
    return new AppError("unauthorized", "Your sign-in is invalid or has expired. Please sign in again.");
  }

  const constraint = failure.constraint ?? constraintFromMessage(failure.message);
  const friendly = constraint ? CONSTRAINT_MESSAGES[constraint] : undefined;
  // The constraint's name is for us, not the user.
  if (constraint) console.warn(`database constraint ${constraint} refused a change (SQLSTATE ${code})`);
  switch (code) {
    case "22023": // invalid_parameter_value: raised by our functions with a user-facing message
      return new AppError("invalid_input", failure.message || "Invalid input.");
    case "23514": // check_violation
    case "23502": // not_null_violation
      return new AppError("invalid_input", friendly ?? "The input breaks a rule of the data.");
    case "23505": // unique_violation
      return new AppError("conflict", friendly ?? "That already exists.");
    case "23503": // foreign_key_violation
      return new AppError("conflict", friendly ?? "That refers to something that does not exist (any more).");
    case "40001":
    case "40P01":
      return new AppError("conflict", "The change collided with another one. Please try again.");
    case "42501": // insufficient_privilege
      return role === "anon"
        ? new AppError("unauthorized", "Sign in to do this.")
        : new AppError("forbidden", "You are not allowed to do this.");
  }
  if (code.startsWith("22")) return new AppError("invalid_input", "A value has the wrong form or is out of range.");
  return new AppError("internal", "Something went wrong on our side.");
}

function constraintFromMessage(message: string | undefined): string | undefined {
  return message?.match(/constraint "([^"]+)"/)?.[1];
}
