/**
 * In the embedded mode Supabase's client libraries must not even load (supabase-js prints a
 * Node 20 deprecation warning on import, twice per page). Every server path a request takes here
 * (the proxy, the session reader, the route wrapper, sign-out, the sign-in page) is run; an import of
 * either library would be recorded. The sign-in page importing the Supabase form only in its own mode
 * also keeps @supabase/ssr out of the embedded page's browser chunks.
 */
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { setUpEmbeddedApp } from "../helpers/app";

const loaded = vi.hoisted(() => [] as string[]);
vi.mock("@supabase/ssr", async (importOriginal) => {
  loaded.push("@supabase/ssr");
  return importOriginal();
});
vi.mock("@supabase/supabase-js", async (importOriginal) => {
  loaded.push("@supabase/supabase-js");
  return importOriginal();
});

setUpEmbeddedApp();

describe("embedded mode", () => {
  it("serves pages and API requests without loading @supabase/ssr or @supabase/supabase-js", async () => {
    const { proxy } = await import("../../proxy");
    const { resolveSession } = await import("../../lib/auth/session");
    const { POST: signOut } = await import("../../app/api/auth/sign-out/route");
    const { GET: leaderboard } = await import("../../app/api/leaderboard/route");
    const { default: SignInPage } = await import("../../app/sign-in/page");

    await proxy(new NextRequest("http://localhost/products"));
    await resolveSession({ authorization: null, cookies: { getAll: () => [] } });
    const signedOut = await signOut(
      new NextRequest("http://localhost/api/auth/sign-out", {
        method: "POST",
        headers: { "content-type": "application/json" },
      }),
      { params: Promise.resolve({}) },
    );
    expect(signedOut.status).toBe(200);
    expect(
      (await leaderboard(new NextRequest("http://localhost/api/leaderboard"), { params: Promise.resolve({}) })).status,
    ).toBe(200);
    expect(JSON.stringify(await SignInPage({ searchParams: Promise.resolve({}) }))).toContain("Demo sign-in");
    expect(loaded).toEqual([]);
  });
});
