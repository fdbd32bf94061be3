/**
 * The socket address reaches route handlers through a header this process stamps on every request,
 * overwriting whatever a client sent (Next.js keeps a client's X-Forwarded-For as it is).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientAddress } from "../../lib/api/client-address";
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
      seen.push(clientAddress(request, {}));
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
      clientAddress(new Request("http://localhost/", { headers: { "x-forwarded-for": "1.1.1.1, 203.0.113.7" } }), {
        TRUST_PROXY: "1",
      }),
    ).toBe("203.0.113.7");
  });
});
