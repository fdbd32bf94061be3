// ESLint 9 flat config: Next.js's rules (core web vitals + TypeScript), then Prettier owns formatting.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    ".data/**",
    ".test-data/**",
    ".test-results/**",
    "next-env.d.ts",
    "lib/db/database.types.ts",
  ]),
]);
