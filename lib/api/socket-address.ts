/**
 * Next.js route handlers do not see the TCP peer's address, and Next.js only fills `x-forwarded-for`
 * with it when the client did not send one (so a client can choose it). instrumentation.ts calls
 * installSocketAddressHeader() once per server process: every incoming request then carries the
 * socket's address in SOCKET_ADDRESS_HEADER, overwriting whatever a client put there.
 */
import "server-only";
import type { IncomingMessage, Server } from "node:http";

export const SOCKET_ADDRESS_HEADER = "x-marketplace-socket-address";
const INSTALLED = Symbol.for("marketplace.socketAddressHeader");

type Flagged = typeof globalThis & { [INSTALLED]?: boolean };

/** True when this process overwrites the header on every request (so it can be believed). */
export function socketAddressHeaderIsSet(): boolean {
  return (globalThis as Flagged)[INSTALLED] === true;
}

function stampSocketAddress(request: IncomingMessage): void {
  const address = request.socket?.remoteAddress;
  if (address) request.headers[SOCKET_ADDRESS_HEADER] = address;
  else delete request.headers[SOCKET_ADDRESS_HEADER];
}

export async function installSocketAddressHeader(): Promise<void> {
  const flagged = globalThis as Flagged;
  if (flagged[INSTALLED]) return;
  const http = await import("node:http");
  const https = await import("node:https");
  for (const ServerClass of [http.Server, https.Server] as unknown as (typeof Server)[]) {
    const emit = ServerClass.prototype.emit;
    ServerClass.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") stampSocketAddress(args[0] as IncomingMessage);
      return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
    } as typeof emit;
  }
  flagged[INSTALLED] = true;
}
