/**
 * Settings of the limits and of the embedded mode's key: TRUST_PROXY accepts a number of hops or
 * nothing (anything else stops the app, named, also through the launcher), the limits have defaults
 * and refuse nonsense, and the embedded mode keys its cookies and address hashes with a random key of
 * its own installation, never the public development secret. Also the static security headers.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import nextConfig from "../../next.config";
import { checkSettings, ConfigError, EMBEDDED_VIEW_KEY_FILE, LOCAL_DEV_JWT_SECRET, readConfig } from "../../lib/config";
import { PROJECT_ROOT } from "../../scripts/lib/paths";

const embedded = { APP_MODE: "embedded", DATABASE_URL: "postgres://x/db" };

describe("TRUST_PROXY", () => {
  it("accepts a number of hops from 1 to 10, or nothing", () => {
    for (const value of ["0", "1", "2", "10", "", " "])
      expect(() => checkSettings({ TRUST_PROXY: value })).not.toThrow();
    expect(readConfig({ ...embedded, TRUST_PROXY: "2" }).trustProxyHops).toBe(2);
  });

  it.each(["true", "yes", "11", "1.5", "-1", "loopback"])(
    "refuses TRUST_PROXY=%s, naming it and what it accepts",
    (value) => {
      expect(() => readConfig({ ...embedded, TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => readConfig({ ...embedded, TRUST_PROXY: value })).toThrow(/TRUST_PROXY.*number of proxies.*1 to 10/);
    },
  );

  it("stops `npm start` before anything starts", async () => {
    const run = promisify(execFile);
    const failure = await run(
      process.execPath,
      [
        path.join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"),
        "--conditions=react-server",
        "scripts/launch.ts",
        "start",
      ],
      { cwd: PROJECT_ROOT, env: { ...process.env, TRUST_PROXY: "true", PORT: "1" }, timeout: 60_000 },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/TRUST_PROXY="true" is not accepted/);
  });
});

describe("limits", () => {
  const limits = (env: Record<string, string>) => readConfig({ ...embedded, ...env }).limits;

  it("default to the documented values and take whole numbers of at least 1", () => {
    expect(limits({})).toEqual({
      VIEW_REQUESTS_PER_MINUTE: 60,
      VIEW_BUDGET_PER_SELLER: 20,
      VIEW_BUDGET_PER_SELLER_IPV6_56: 40,
      VIEW_BUDGET_PER_SELLER_IPV6_48: 100,
      STREAMS_PER_ADDRESS: 4,
      STREAMS_PER_PROCESS: 500,
      STREAM_MAX_LIFETIME_SECONDS: 900,
    });
    expect(limits({ STREAMS_PER_ADDRESS: "2", VIEW_BUDGET_PER_SELLER: " 30 " })).toMatchObject({
      STREAMS_PER_ADDRESS: 2,
      VIEW_BUDGET_PER_SELLER: 30,
      STREAMS_PER_PROCESS: 500,
    });
    for (const value of ["0", "-3", "ten", "2.5"])
      expect(() => limits({ STREAMS_PER_PROCESS: value })).toThrow(/STREAMS_PER_PROCESS/);
  });
});

describe("the embedded mode's key", () => {
  it("is random, kept in .data/view-key, and never the public development secret", () => {
    const key = readConfig(embedded).viewKeySecret;
    expect(key).not.toBe(LOCAL_DEV_JWT_SECRET);
    expect(key.length).toBeGreaterThanOrEqual(32);
    const file = path.resolve(EMBEDDED_VIEW_KEY_FILE);
    expect(fs.readFileSync(file, "utf8").trim()).toBe(key);
    expect(fs.statSync(file).mode & 0o077).toBe(0); // readable by its owner only
    expect(readConfig({ ...embedded, VIEW_KEY_SECRET: "set-by-the-deployer" }).viewKeySecret).toBe(
      "set-by-the-deployer",
    );
  });
});

describe("static security headers", () => {
  it("include HSTS and a Permissions-Policy on every response", async () => {
    const [rule] = await nextConfig.headers!();
    const headers = Object.fromEntries(rule.headers.map((header) => [header.key, header.value]));
    expect(rule.source).toBe("/:path*");
    expect(headers["Strict-Transport-Security"]).toMatch(/^max-age=\d{7,}/);
    expect(headers["Permissions-Policy"]).toMatch(/camera=\(\).*geolocation=\(\)/);
  });
});
