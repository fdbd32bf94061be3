/** Small network helpers for dev tooling: local hosts, free ports. */
import net from "node:net";

/** Host names that mean "this machine" (a database there is a developer's own, not a deployment). */
export const LOCAL_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "::1", "[::1]"];

export function isLocalHost(hostname: string): boolean {
  return LOCAL_HOSTS.includes(hostname);
}

/** Whether we could listen on the port of `host` (every interface when left out). */
function canListen(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    // A missing address family (no IPv6, say) blocks nobody.
    server.once("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code === "EADDRNOTAVAIL" || error.code === "EAFNOSUPPORT"),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Whether nothing listens on a port of the loopback interface. */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return canListen(port, host);
}

/** For a server that listens on every interface (Next.js): one on the IPv4 or the wildcard address blocks it. */
export async function portIsFreeOnEveryInterface(port: number): Promise<boolean> {
  return (await canListen(port)) && (await canListen(port, "127.0.0.1"));
}

/** Asks the OS for a free port (used by tests, which must not collide with a running dev server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
