import { act } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RETRY_SECONDS, TemporarilyUnavailable } from "../../components/layout/temporarily-unavailable";
import { renderWithProviders, screen } from "../helpers/render";

describe("TemporarilyUnavailable (the page shown while the database is out of reach)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("says so calmly and tries again by itself, again and again, until the page renders", async () => {
    const onRetry = vi.fn();
    renderWithProviders(<TemporarilyUnavailable onRetry={onRetry} />);
    expect(screen.getByRole("heading", { name: "This page is temporarily unavailable" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe(`Trying again in ${RETRY_SECONDS} s…`);
    await act(async () => vi.advanceTimersByTime((RETRY_SECONDS - 1) * 1000));
    expect(onRetry).not.toHaveBeenCalled();
    await act(async () => vi.advanceTimersByTime(1000));
    expect(onRetry).toHaveBeenCalledTimes(1);
    await act(async () => vi.advanceTimersByTime(RETRY_SECONDS * 1000));
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it("offers to try now", async () => {
    const onRetry = vi.fn();
    renderWithProviders(<TemporarilyUnavailable onRetry={onRetry} />);
    await act(async () => screen.getByRole("button", { name: "Try again now" }).click());
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});
