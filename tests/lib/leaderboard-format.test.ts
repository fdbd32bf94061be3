/** When the modal says the month resets: midnight of the next month's first, in the answer's time zone. */
import { describe, expect, it } from "vitest";
import { resetsIn } from "../../components/leaderboard/format";

describe("resetsIn", () => {
  it("counts to the next month's start in UTC, the leaderboard's time zone", () => {
    expect(resetsIn(2026, 11, "UTC", Date.UTC(2026, 10, 25))).toBe("resets in 6 days");
    expect(resetsIn(2026, 12, "UTC", Date.UTC(2026, 11, 31, 21))).toBe("resets in 3 hours");
  });

  it("follows another time zone, its daylight saving time included", () => {
    // Midnight of 1 December in New York (EST, UTC-5) is 05:00 UTC.
    expect(resetsIn(2026, 11, "America/New_York", Date.UTC(2026, 11, 1, 2))).toBe("resets in 3 hours");
    // Midnight of 1 April in Berlin is summer time (CEST, UTC+2), though March began in winter time.
    expect(resetsIn(2026, 3, "Europe/Berlin", Date.UTC(2026, 2, 31, 20))).toBe("resets in 2 hours");
    // Midnight of 1 January in Tokyo (UTC+9) is 15:00 UTC on 31 December.
    expect(resetsIn(2026, 12, "Asia/Tokyo", Date.UTC(2026, 11, 31, 14))).toBe("resets in 1 hour");
  });
});
