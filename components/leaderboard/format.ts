/** Labels for the leaderboard modal (pure functions; `now` is passed in so tests can fix it). */
import { formatMonth } from "../dashboard/format";

/** "November 2026, UTC": months are labelled with the leaderboard's time zone. */
export function monthLabel(year: number, month: number, timeZone: string): string {
  return `${formatMonth(year, month)}, ${timeZone}`;
}

const relative = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });

function span(ms: number): [number, Intl.RelativeTimeFormatUnit] {
  const seconds = Math.round(ms / 1000);
  if (Math.abs(seconds) < 60) return [seconds, "second"];
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return [minutes, "minute"];
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return [hours, "hour"];
  return [Math.round(hours / 24), "day"];
}

/** "5 seconds ago", "3 minutes ago" (never in the future: clocks differ a little). */
export function timeAgo(iso: string, now: number): string {
  const [value, unit] = span(Math.max(now - Date.parse(iso), 0));
  return value === 0 && unit === "second" ? "just now" : relative.format(-value, unit);
}

/** How far `timeZone`'s clock is ahead of UTC at the instant `at` (ms). */
function zoneOffset(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - (at - (at % 1000));
}

/** "resets in 5 days": when the month ends, midnight of the next month's first in the answer's time zone. */
export function resetsIn(year: number, month: number, timeZone: string, now: number): string {
  // Midnight read as UTC, then moved by the zone's offset (looked up twice: the offset may differ there).
  const midnight = Date.UTC(year, month, 1);
  const end = midnight - zoneOffset(midnight - zoneOffset(midnight, timeZone), timeZone);
  const [value, unit] = span(Math.max(end - now, 0));
  return `resets ${relative.format(Math.max(value, 1), unit)}`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

export function ordinal(rank: number): string {
  const tens = rank % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[rank % 10] ?? "th");
  return `${rank}${suffix}`;
}

/** Months from the first with activity up to (not including) the current one, newest first. */
export function pastMonths(first: { year: number; month: number } | null, current: { year: number; month: number }) {
  const months: { year: number; month: number }[] = [];
  if (!first) return months;
  let { year, month } = current;
  for (;;) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
    if (year < first.year || (year === first.year && month < first.month)) return months;
    months.push({ year, month });
  }
}

/**
 * The full ranking's address for a board (and page): /leaderboard?metric=…&period=…&year=…&month=…&cursor=…,
 * the link a seller shares. The current month has no year and month.
 */
export function fullRankingHref({
  metric,
  period,
  year,
  month,
  cursor,
}: {
  metric: string;
  period: string;
  year?: number | null;
  month?: number | null;
  cursor?: string | null;
}): string {
  const params = new URLSearchParams({ metric, period });
  if (period === "month" && year != null && month != null) {
    params.set("year", String(year));
    params.set("month", String(month));
  }
  if (cursor) params.set("cursor", cursor);
  return `/leaderboard?${params}`;
}

/** "Top sellers by views · June 2026 (UTC)", "Top sellers by sales · all time", "… · this month". */
export function rankingTitle({
  metric,
  period,
  year,
  month,
}: {
  metric: string;
  period: string;
  year?: number | null;
  month?: number | null;
}): string {
  const when =
    period === "all" ? "all time" : year != null && month != null ? `${formatMonth(year, month)} (UTC)` : "this month";
  return `Top sellers by ${metric === "views" ? "views" : "sales"} · ${when}`;
}
