// Server modules import "server-only", which throws outside a React server bundle; tests run them in Node.
import { vi } from "vitest";
vi.mock("server-only", () => ({}));
