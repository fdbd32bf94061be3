/**
 * The body limit of the one route wrapper: a body over the limit is refused with 413 as soon as it
 * passes the limit, whether or not it says how long it is; the rest is never read.
 */
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES } from "../../lib/api/handler";
import { resetConfigForTests } from "../../lib/config";
import { createTestDatabase } from "../helpers/db";

type RouteHandler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let signIn: RouteHandler;

beforeAll(async () => {
  const db = await createTestDatabase();
  process.env.APP_MODE = "embedded";
  process.env.DATABASE_URL = db.url;
  resetConfigForTests();
  ({ POST: signIn } = await import("../../app/api/auth/demo-sign-in/route"));
});

/** A 150 MB body produced chunk by chunk as it is read (chunked: no Content-Length), counting what was read. */
function hugeBody() {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const total = 150 * 1024 * 1024;
  const read = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read.bytes >= total) return controller.close();
      read.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, read };
}

describe("the body limit", () => {
  it("stops reading a chunked body at the limit (413) instead of reading 150 MB", async () => {
    const { stream, read } = hugeBody();
    const request = new NextRequest("http://localhost/api/auth/demo-sign-in", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as ConstructorParameters<typeof NextRequest>[1]);
    expect(request.headers.get("content-length")).toBeNull();
    const response = await signIn(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
    // At most the limit plus the chunk that crossed it (and what the stream had queued ahead).
    expect(read.bytes).toBeLessThan(DEFAULT_MAX_BODY_BYTES + 4 * 64 * 1024);
  });

  it("refuses a declared Content-Length over the limit without reading", async () => {
    const { stream, read } = hugeBody();
    const request = new NextRequest("http://localhost/api/auth/demo-sign-in", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json", "content-length": String(150 * 1024 * 1024) },
      duplex: "half",
    } as ConstructorParameters<typeof NextRequest>[1]);
    const response = await signIn(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(413);
    expect(read.bytes).toBeLessThanOrEqual(4 * 64 * 1024);
  });

  it("still reads a body within the limit", async () => {
    const request = new NextRequest("http://localhost/api/auth/demo-sign-in", {
      method: "POST",
      body: JSON.stringify({ userId: "not-a-uuid" }),
      headers: { "content-type": "application/json" },
    });
    const response = await signIn(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(400);
  });
});
