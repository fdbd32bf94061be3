/** Where the repository is, for dev tooling (scripts, test setup, bench). App code never imports scripts/. */
import path from "node:path";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");
/** The Next.js command line, run with `node` (the launcher, the bench, the end-to-end tests). */
export const NEXT_BIN = path.join(PROJECT_ROOT, "node_modules", "next", "dist", "bin", "next");
