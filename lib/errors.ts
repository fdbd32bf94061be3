/**
 * The one error shape of the app: every failing route answers
 *   { "error": { "code": "...", "message": "...", "details"?: ... } }
 * with the status of its code. Messages are written for users; internals never leave the server.
 * Shared on purpose (no server-only/client-only marker): the server throws AppError, the browser's
 * API client reads the same codes; nothing here touches a secret or a runtime API.
 */
export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  database_unavailable: 503,
  /** This server process is at a capacity limit (e.g. open live-update streams). */
  server_busy: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as ErrorBody | null)?.error;
  return (
    typeof error === "object" && error !== null && typeof error.code === "string" && typeof error.message === "string"
  );
}
