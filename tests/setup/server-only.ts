// Server modules import "server-only", which throws outside a React server bundle; tests run them in Node.
import { inject, vi } from "vitest";
vi.mock("server-only", () => ({}));

// Every test database is cloned from the template the global setup marked as the embedded instance;
// this is the token the launcher would hand the app (scripts/lib/embedded-instance.ts).
process.env.EMBEDDED_INSTANCE_TOKEN = inject("embeddedInstanceToken");
