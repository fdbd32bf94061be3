/** Small network helpers for dev tooling: local hosts, free ports, waiting for a server to answer. */
import type { ChildProcess } from "node:child_process";
import net from "node:net";

/** Host names that mean "this machine" (a database there is a developer's own, not a deployment). */
const LOCAL_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "::1", "[::1]"];

export function isLocalHost(hostname: string): boolean {
  return LOCAL_HOSTS.includes(hostname);
}

/**
 * The address Next.js listens on: HOST when set; else, in the embedded mode (demo sign-in for anyone
 * who can reach it), 127.0.0.1, this machine only; else undefined (Next.js's default, every interface).
 */
export function appHost(env: Record<string, string | undefined>, embedded: boolean): string | undefined {
  return env.HOST?.trim() || (embedded ? "127.0.0.1" : undefined);
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
export function portIsFree(port: number): Promise<boolean> {
  return canListen(port, "127.0.0.1");
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

/**
 * Polls `url` every `intervalMs` until it answers with a 2xx status. Fails with `exited(code)` when the
 * child process serving it exits first, and after `onTimeout` (stop the child there) with `timedOut()`
 * once `timeoutMs` has passed. The errors are built when thrown, so they can quote the child's output.
 */
export async function waitForAnswer(
  url: string,
  child: ChildProcess,
  wait: {
    timeoutMs: number;
    intervalMs: number;
    /** Limit on one request (none when left out). */
    requestTimeoutMs?: number;
    exited: (code: number) => Error;
    timedOut: () => Error;
    onTimeout?: () => unknown;
  },
): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw wait.exited(child.exitCode);
    try {
      const signal = wait.requestTimeoutMs === undefined ? undefined : AbortSignal.timeout(wait.requestTimeoutMs);
      if ((await fetch(url, { signal })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, wait.intervalMs));
  }
  await wait.onTimeout?.();
  throw wait.timedOut();
}
