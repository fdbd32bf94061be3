"use client";
/**
 * The "Leaderboard" button (site header, seller dashboard) and the dialog it opens. Radix Dialog gives
 * the accessible name, focus moving in and trapped, Esc and the close button, and focus back on this
 * button. The modal's content (and its data fetching) is mounted only while open.
 */
import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";
import { LeaderboardModal } from "./leaderboard-modal";

export interface LeaderboardButtonProps {
  className?: string;
  /** Polling interval while open (ms); defaults to NEXT_PUBLIC_LEADERBOARD_REFRESH_MS or 30 s. */
  refreshInterval?: number;
  /** The button's text (the dialog's title stays "Leaderboard"). */
  label?: string;
  /** Signed in: the modal also shows the sellers around you. */
  signedIn?: boolean;
}

export function LeaderboardButton({
  className = "secondary leaderboard-button",
  refreshInterval,
  label = "Leaderboard",
  signedIn = false,
}: LeaderboardButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className={className}>{label}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="leaderboard-overlay" />
        <Dialog.Content className="leaderboard-dialog" aria-describedby={undefined}>
          <div className="leaderboard-head">
            <Dialog.Title className="leaderboard-title">Leaderboard</Dialog.Title>
            <Dialog.Close className="leaderboard-close" aria-label="Close leaderboard">
              <span aria-hidden="true">×</span>
            </Dialog.Close>
          </div>
          {open && <LeaderboardModal refreshInterval={refreshInterval} signedIn={signedIn} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
