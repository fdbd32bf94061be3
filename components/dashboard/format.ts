/** Display helpers for the dashboard (pure functions, shared by server and client components). */
const monthLong = new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
const monthShort = new Intl.DateTimeFormat("en-US", { month: "short", timeZone: "UTC" });

const utcMonth = (year: number, month: number) => new Date(Date.UTC(year, month - 1, 1));

/** "November 2026" */
export function formatMonth(year: number, month: number): string {
  return monthLong.format(utcMonth(year, month));
}

/** "Nov" */
export function formatMonthShort(year: number, month: number): string {
  return monthShort.format(utcMonth(year, month));
}

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

export function formatRank(rank: number | null): string {
  return rank === null ? "Not ranked yet" : `#${rank}`;
}
