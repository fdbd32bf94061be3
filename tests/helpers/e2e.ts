/**
 * The real app in a headless Chromium, for every end-to-end test file: `next dev` on the file's own
 * seeded database, and Chromium with the flags the project allows.
 *
 * Why `next dev`: on these 2-core machines a `next build` takes minutes and type-checks the whole
 * repository; Turbopack compiles only the pages a test visits. Every file's server uses the same build
 * folder under .test-data (the e2e files run one after another), so Turbopack's cache on disk spares
 * the later files most of the compiling. Its own build folder (Next.js locks it) lets a developer's
 * `npm run dev` keep running, and a throwaway tsconfig for Next.js to adjust keeps the repository's
 * files untouched.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { freePort, waitForAnswer } from "../../scripts/lib/net";
import { NEXT_BIN, PROJECT_ROOT } from "../../scripts/lib/paths";
import { createTestDatabase, type TestDatabase } from "./db";

const SERVER_START_TIMEOUT_MS = 120_000;
const WORK_DIR = path.join(PROJECT_ROOT, ".test-data", "e2e");
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, ".test-results", "screenshots");

export interface E2eApp {
  baseUrl: string;
  log: () => string;
  stop: () => Promise<void>;
}

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], {
      encoding: "utf8",
    }).trim();
  } catch {
    throw new Error("Chromium is not installed: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).");
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Starts `next dev` against `databaseUrl`; resolves once the home page answers. `instance` names a
 * second (third, …) server next to the first, with a build folder of its own (Next.js locks one per
 * server); `env` adds settings.
 */
export async function startApp(
  databaseUrl: string,
  { instance = "", env = {} }: { instance?: string; env?: Record<string, string> } = {},
): Promise<E2eApp> {
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const tsconfig = path.join(WORK_DIR, "tsconfig.json");
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: "../../tsconfig.json",
      include: ["../../next-env.d.ts", "../../**/*.ts", "../../**/*.tsx"],
      exclude: ["../../node_modules", "../../.data", "../../.test-data"],
    }),
  );
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let log = "";
  const server: ChildProcess = spawn(
    process.execPath,
    [NEXT_BIN, "dev", "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        APP_MODE: "embedded",
        DATABASE_URL: databaseUrl,
        // The test database is cloned from the template marked as the embedded instance (global setup).
        EMBEDDED_INSTANCE_TOKEN: inject("embeddedInstanceToken"),
        NODE_ENV: "development",
        NEXT_TELEMETRY_DISABLED: "1",
        NEXT_DIST_DIR: path.relative(PROJECT_ROOT, path.join(WORK_DIR, instance ? `next-${instance}` : "next")),
        NEXT_TSCONFIG_PATH: path.relative(PROJECT_ROOT, tsconfig),
        // Every browser context of a test file connects from 127.0.0.1, one "address" for the per-address
        // stream cap; the file that tests the cap sets its own.
        STREAMS_PER_ADDRESS: "20",
        ...env,
      },
      // Its own process group, so stopping it also stops the workers it forks.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const remember = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  server.stdout?.on("data", remember);
  server.stderr?.on("data", remember);

  const stop = async () => {
    if (!server.pid || server.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
    process.kill(-server.pid, "SIGTERM");
    const forced = setTimeout(() => {
      try {
        process.kill(-server.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    await exited;
    clearTimeout(forced);
  };

  // The first request compiles the home page; wait for a real answer, not just an open port.
  await waitForAnswer(baseUrl, server, {
    timeoutMs: SERVER_START_TIMEOUT_MS,
    intervalMs: 500,
    requestTimeoutMs: 60_000,
    exited: (code) => new Error(`next dev exited with ${code}:\n${log}`),
    timedOut: () => new Error(`next dev did not answer within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${log}`),
    onTimeout: stop,
  });
  return { baseUrl, log: () => log, stop };
}

/** What Chromium logs when the Content-Security-Policy blocks something. */
const CSP_VIOLATION = /Content Security Policy|Refused to (execute|load|apply|connect|evaluate|frame)/i;

/**
 * A page in a fresh browser context. Uncaught page errors (hydration mismatches among them) and
 * Content-Security-Policy violations are collected into `problems`: a file's afterEach expects none.
 */
export async function newPage(browser: Browser, problems: string[], width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000); // a page's first visit compiles it
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (CSP_VIOLATION.test(message.text())) problems.push(`${page.url()}: CSP: ${message.text()}`);
  });
  return page;
}

/**
 * Server-rendered buttons are visible before React hydrates them, and a click before that does
 * nothing. React marks a hydrated element with its props: wait for that before clicking.
 */
export async function hydrated(locator: Locator): Promise<Locator> {
  await expect
    .poll(() => locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactProps"))), {
      timeout: 60_000,
    })
    .toBe(true);
  return locator;
}

/**
 * Saves `.test-results/screenshots/NAME.png`: the whole page, or only what is on the screen
 * (`fullPage: false`, for a dialog: its fixed overlay covers the screen, not the whole page).
 */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

export interface E2e {
  db: TestDatabase;
  app: E2eApp;
  browser: Browser;
  /** Page errors and CSP violations of the current test (see newPage). */
  problems: string[];
  /** A page in a fresh context whose problems fail the current test. */
  newPage(width?: number): Promise<Page>;
}

/**
 * A test file's app: a seeded database, `next dev` on it and Chromium, started before the file's tests
 * and stopped after them; a test fails when its pages had errors or CSP violations. The fields are
 * filled in by beforeAll, so read them inside hooks and tests.
 */
export function setUpE2eApp(): E2e {
  const e2e = {
    problems: [] as string[],
    newPage: (width?: number) => newPage(e2e.browser, e2e.problems, width),
  } as E2e;
  beforeAll(async () => {
    e2e.db = await createTestDatabase({ seed: true });
    [e2e.app, e2e.browser] = await Promise.all([startApp(e2e.db.url), launchChromium()]);
  });
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.app?.stop();
  });
  afterEach(() => {
    expect(e2e.problems.splice(0)).toEqual([]);
  });
  return e2e;
}
