/** Where sign-in may send a user afterwards: only paths on this site. */
import { describe, expect, it } from "vitest";
import { safeNextPath } from "../../lib/validation/next-path";

describe("safeNextPath", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/products/abc?x=1#top", "/products/abc?x=1#top"],
    ["/a/../dashboard", "/dashboard"],
  ])("keeps the same-site path %s", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    // Dot segments that resolve to "//host" (another site to a browser).
    "/.//evil.test",
    "/..//x",
    "/%2e//x",
    "/a/..//evil.test",
    "https://evil.example/dashboard",
    "javascript:alert(1)",
    "dashboard",
    "/\tevil",
    " /dashboard",
    "",
    undefined,
    42,
  ])("falls back for %s", (input) => {
    expect(safeNextPath(input)).toBe("/my-products");
  });

  it("never returns a path starting with // or /\\", () => {
    for (const input of ["/.//evil.test", "/..//x", "/%2e//x", "/%2E%2E//x", "/./\\x", "/x/../..//y"])
      expect(safeNextPath(input, "/fallback")).toMatch(/^\/(?![/\\])/);
  });

  it("takes the first of repeated parameters", () => {
    expect(safeNextPath(["/dashboard", "//evil.example"])).toBe("/dashboard");
  });
});
