/**
 * The browser's one way to call our API: JSON in, JSON out, and every failure (the error shape of
 * lib/errors.ts, or no answer at all) thrown as an ApiError the UI can show.
 */
import "client-only";
import { isErrorBody, type ErrorCode } from "../errors";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network_error",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ApiRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
}

export async function apiFetch<T>(url: string, { method = "GET", body, signal }: ApiRequest = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      signal,
      credentials: "same-origin",
      // Every state-changing request is JSON, with or without a body (the server refuses others: CSRF).
      headers:
        method === "GET"
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again.");
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    if (isErrorBody(payload))
      throw new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details);
    throw new ApiError(response.status, "internal", `The server answered ${response.status}. Please try again.`);
  }
  return payload as T;
}

/** SWR's fetcher: a GET through apiFetch. */
export const swrFetcher = <T>(url: string): Promise<T> => apiFetch<T>(url);
