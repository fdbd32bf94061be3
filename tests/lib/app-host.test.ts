/** The address the launcher has Next.js listen on (scripts/launch.ts): the embedded mode stays on this machine. */
import { describe, expect, it } from "vitest";
import { appHost } from "../../scripts/lib/net";

describe("appHost", () => {
  it("binds the embedded mode to 127.0.0.1", () => {
    expect(appHost({}, true)).toBe("127.0.0.1");
    expect(appHost({ HOST: "  " }, true)).toBe("127.0.0.1");
  });

  it("uses HOST when set, in every mode", () => {
    expect(appHost({ HOST: "0.0.0.0" }, true)).toBe("0.0.0.0");
    expect(appHost({ HOST: " ::1 " }, false)).toBe("::1");
  });

  it("leaves the other modes to Next.js's default (every interface)", () => {
    expect(appHost({}, false)).toBeUndefined();
  });
});
