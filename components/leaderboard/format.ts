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

/** "resets in 5 days": when the month (leaderboard time zone UTC) ends. */
export function resetsIn(year: number, month: number, now: number): string {
  const [value, unit] = span(Math.max(Date.UTC(year, month, 1) - now, 0));
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
