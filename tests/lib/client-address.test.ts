/**
 * The socket address reaches route handlers through a header this process stamps on every request,
 * overwriting whatever a client sent (Next.js keeps a client's X-Forwarded-For as it is).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { addressKey, clientAddress } from "../../lib/api/client-address";
import {
  installSocketAddressHeader,
  SOCKET_ADDRESS_HEADER,
  socketAddressHeaderIsSet,
} from "../../lib/api/socket-address";

describe("socket address header", () => {
  it("is stamped with the TCP peer's address on every request, replacing a forged one", async () => {
    expect(socketAddressHeaderIsSet()).toBe(false);
    await installSocketAddressHeader();
    expect(socketAddressHeaderIsSet()).toBe(true);
    const seen: (string | null)[] = [];
    const server = http.createServer((req, res) => {
      const request = new Request("http://localhost/", { headers: req.headers as Record<string, string> });
      seen.push(clientAddress(request, 0));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await fetch(url, { headers: { [SOCKET_ADDRESS_HEADER]: "203.0.113.5", "x-forwarded-for": "203.0.113.6" } });
      await fetch(url);
    } finally {
      server.close();
    }
    expect(seen).toEqual(["127.0.0.1", "127.0.0.1"]);
    // With TRUST_PROXY the proxies' X-Forwarded-For decides instead.
    expect(
      clientAddress(new Request("http://localhost/", { headers: { "x-forwarded-for": "1.1.1.1, 203.0.113.7" } }), 1),
    ).toBe("203.0.113.7");
  });
});

describe("address keys", () => {
  it("keys IPv6 by its /64 and IPv4-mapped IPv6 as the IPv4 address", () => {
    const keys: Record<string, string> = {
      "203.0.113.9": "203.0.113.9",
      "::ffff:203.0.113.9": "203.0.113.9",
      "::FFFF:cb00:7109": "203.0.113.9",
      "2001:db8:1:2:aaaa:bbbb:cccc:dddd": "2001:db8:1:2::/64",
      "2001:0DB8:0001:0002::1": "2001:db8:1:2::/64",
      "2001:db8::1": "2001:db8:0:0::/64",
      "2001:db8:1:3::1": "2001:db8:1:3::/64",
      "[2001:db8:1:2::7]:443": "2001:db8:1:2::/64",
      "fe80::1%eth0": "fe80:0:0:0::/64",
      "203.0.113.9:5123": "203.0.113.9",
      "not-an-address": "not-an-address",
    };
    for (const [address, key] of Object.entries(keys)) expect(addressKey(address), address).toBe(key);
  });

  it("gives every address of one IPv6 /64 the same client address, so rotating inside it does not escape the cap", () => {
    const seen = new Set(
      Array.from({ length: 20 }, (_, i) =>
        clientAddress(
          new Request("http://localhost/", { headers: { "x-forwarded-for": `2001:db8:5:6:${i.toString(16)}::${i}` } }),
          1,
        ),
      ),
    );
    expect([...seen]).toEqual(["2001:db8:5:6::/64"]);
  });
});

describe("X-Forwarded-For without TRUST_PROXY", () => {
  it("warns once per process, naming TRUST_PROXY and the README section", async () => {
    vi.resetModules(); // a fresh module: the test above may have warned already
    const { clientAddress: fresh } = await import("../../lib/api/client-address");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      fresh(new Request("http://localhost/"), 0);
      expect(warn).not.toHaveBeenCalled();
      for (let i = 0; i < 3; i++)
        fresh(new Request("http://localhost/", { headers: { "x-forwarded-for": `203.0.113.${i}` } }), 0);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/TRUST_PROXY/);
      expect(warn.mock.calls[0][0]).toMatch(/README, "Deploying to a Supabase project"/);
      // With TRUST_PROXY the header is the proxies' own: nothing to warn about.
      fresh(new Request("http://localhost/", { headers: { "x-forwarded-for": "203.0.113.9" } }), 1);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("does not warn when the header is just the socket's address (Next.js fills it in)", async () => {
    vi.resetModules();
    const { clientAddress: fresh } = await import("../../lib/api/client-address");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      // The first test installed the socket address header, so this process believes it.
      const headers = { [SOCKET_ADDRESS_HEADER]: "::ffff:127.0.0.1", "x-forwarded-for": "::ffff:127.0.0.1" };
      expect(fresh(new Request("http://localhost/", { headers }), 0)).toBe("127.0.0.1");
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
