"use client";
import { TemporarilyUnavailable } from "@/components/layout/temporarily-unavailable";
import "./globals.css";

/** The root layout itself failed (for example the header during a database outage): reload the page. */
export default function GlobalError() {
  return (
    <html lang="en">
      <body>
        <main className="page">
          <TemporarilyUnavailable onRetry={() => window.location.reload()} />
        </main>
      </body>
    </html>
  );
}
