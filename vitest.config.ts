import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };
// Shared by every project. The global setup stays at the root so it runs once per run, not per project.
const shared = { plugins: [react()], resolve: { alias } };

export default defineConfig({
  ...shared,
  test: {
    // One embedded PostgreSQL (or DATABASE_URL) for the whole run, migrated once into a template.
    globalSetup: ["./tests/setup/global-setup.ts"],
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".test-results/results.json" }]] : ["default"],
    projects: [
      {
        ...shared,
        test: {
          name: "server",
          environment: "node",
          include: ["tests/db/**/*.test.ts", "tests/api/**/*.test.ts", "tests/lib/**/*.test.ts"],
          setupFiles: ["./tests/setup/server-only.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...shared,
        test: {
          name: "components",
          environment: "jsdom",
          include: ["tests/components/**/*.test.tsx"],
          setupFiles: ["./tests/setup/jsdom.ts"],
          // A file's first render imports and compiles its components: on a busy 2-core machine that alone
          // can pass vitest's 5 s default (no test here measures time).
          testTimeout: 20_000,
        },
      },
      {
        ...shared,
        test: {
          name: "e2e",
          environment: "node",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
