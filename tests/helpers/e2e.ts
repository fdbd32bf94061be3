/**
 * The real app in a headless Chromium for end-to-end tests: `next dev` (Turbopack compiles only the
 * pages a test visits) on a database of its own, in its own build folder and with a throwaway
 * tsconfig, so a developer's `npm run dev` keeps running and the repository's files are never touched.
 * (Same approach as tests/e2e/smoke.test.ts.)
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { freePort } from "../../scripts/lib/net";
import { PROJECT_ROOT } from "../../scripts/lib/paths";

const SERVER_START_TIMEOUT_MS = 120_000;
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, ".test-results", "screenshots");

export interface E2eApp {
  baseUrl: string;
  log: () => string;
  stop: () => Promise<void>;
}

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Chromium is not installed: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).");
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Starts `next dev` against `databaseUrl` in `.test-data/<name>`; resolves once the home page answers. */
export async function startApp(databaseUrl: string, name: string): Promise<E2eApp> {
  const workDir = path.join(PROJECT_ROOT, ".test-data", name);
  fs.mkdirSync(workDir, { recursive: true });
  const tsconfig = path.join(workDir, "tsconfig.json");
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
    [path.join(PROJECT_ROOT, "node_modules", "next", "dist", "bin", "next"), "dev", "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        APP_MODE: "embedded",
        DATABASE_URL: databaseUrl,
        NODE_ENV: "development",
        NEXT_TELEMETRY_DISABLED: "1",
        NEXT_DIST_DIR: path.relative(PROJECT_ROOT, path.join(workDir, "next")),
        NEXT_TSCONFIG_PATH: path.relative(PROJECT_ROOT, tsconfig),
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

  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next dev exited with ${server.exitCode}:\n${log}`);
    try {
      const response = await fetch(baseUrl, { signal: AbortSignal.timeout(60_000) });
      if (response.ok) return { baseUrl, log: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`next dev did not answer within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${log}`);
}

/** A page in a fresh browser context; uncaught page errors are collected into `errors`. */
export async function newPage(browser: Browser, errors: string[], width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000); // a page's first visit compiles it
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  return page;
}

/** Server-rendered buttons do nothing until React hydrates them: wait for React's props on the element. */
export async function hydrated(locator: Locator): Promise<Locator> {
  await expect
    .poll(() => locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactProps"))), { timeout: 60_000 })
    .toBe(true);
  return locator;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
