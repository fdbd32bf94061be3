/**
 * Stubs the network (global fetch) for component tests: answers by "METHOD /path" and records every
 * request. A reply can be held back (`hold`) to look at the screen before the server has answered.
 */
import { vi } from "vitest";

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

type Reply = { status?: number; json: unknown } | (() => Promise<{ status?: number; json: unknown }>);

export function stubApi(routes: Record<string, Reply>) {
  const requests: RecordedRequest[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(
      typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
      "http://localhost",
    );
    const method = (init?.method ?? "GET").toUpperCase();
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    requests.push({ method, path: url.pathname, body });
    const route = routes[`${method} ${url.pathname}`];
    if (!route)
      return Response.json(
        { error: { code: "not_found", message: `No stub for ${method} ${url.pathname}` } },
        { status: 404 },
      );
    const { status = 200, json } = typeof route === "function" ? await route() : route;
    return Response.json(json, { status });
  });
  vi.stubGlobal("fetch", fetchStub);
  return { requests, fetch: fetchStub };
}

/** A reply the test releases when it wants: `release()` answers, until then the request hangs. */
export function hold(reply: { status?: number; json: unknown }) {
  let release!: () => void;
  const answered = new Promise<void>((resolve) => (release = resolve));
  return { reply: async () => (await answered, reply), release: () => release() };
}

export function apiError(status: number, code: string, message: string) {
  return { status, json: { error: { code, message } } };
}
