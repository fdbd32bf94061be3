/**
 * A database outage, for real: the app reaches PostgreSQL through a TCP relay this test owns, and the
 * "outage" closes the relay (every open connection dropped, new ones refused), as a restarting or
 * unreachable database does. Pages show the calm "temporarily unavailable" page, the API answers 503 in
 * the one error shape, and both recover by themselves once the database is back, without a reload.
 */
import net from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { launchChromium, newPage, startApp, type E2eApp } from "../helpers/e2e";

/** A TCP relay to PostgreSQL that can be taken down and brought back on the same port. */
class DatabaseRelay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

let db: TestDatabase;
let relay: DatabaseRelay;
let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDatabase({ seed: true });
  const target = new URL(db.url);
  relay = new DatabaseRelay(target.hostname, Number(target.port));
  await relay.up();
  const throughRelay = new URL(db.url);
  throughRelay.port = String(relay.port);
  [app, browser] = await Promise.all([startApp(throughRelay.toString()), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await relay?.down();
});

describe("a database outage in a browser", () => {
  it("shows a calm page and a 503 while the database is away, and recovers by itself when it is back", async () => {
    // Errors are the point here: the page's own error boundary is what this test looks at.
    const expectedProblems: string[] = [];
    const page = await newPage(browser, expectedProblems);
    await page.goto(app.baseUrl);
    await page.getByRole("heading", { name: "Products for sale" }).waitFor();

    await relay.down();
    const api = await fetch(`${app.baseUrl}/api/leaderboard`);
    expect(api.status).toBe(503);
    expect(await api.json()).toMatchObject({ error: { code: "database_unavailable" } });

    await page.reload();
    await page.getByRole("heading", { name: "This page is temporarily unavailable" }).waitFor();
    await expect(page.getByRole("status").textContent()).resolves.toMatch(/Trying again in \d+ s/);

    // The database comes back; nobody touches the page. It retries every 10 s on its own.
    await relay.up();
    await page.getByRole("heading", { name: "Products for sale" }).waitFor({ timeout: 30_000 });
    expect((await fetch(`${app.baseUrl}/api/leaderboard`)).status).toBe(200);
    await page.context().close();
  });
});
