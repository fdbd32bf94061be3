/** Where the repository is, for dev tooling (scripts, test setup, bench). App code never imports scripts/. */
import path from "node:path";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");
