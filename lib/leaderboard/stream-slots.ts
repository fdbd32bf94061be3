/**
 * Admission of live-update streams. A stream is this process's own resource (a socket, a file
 * descriptor, a watcher listener), so its caps are per process: at most `perAddress` open streams per
 * client address and `perProcess` in all. The counts live only while streams are open, so this holds
 * at most `perProcess` entries.
 */
import "server-only";

export type StreamAdmission = { ok: true; release: () => void } | { ok: false; reason: "address" | "process" };

export class StreamSlots {
  private open = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly perAddress: number,
    private readonly perProcess: number,
  ) {}

  /**
   * Takes a slot for a stream from `address` (null when unknown: then only the process cap applies,
   * so one client cannot lock out everyone whose address is unknown). `release` is idempotent.
   */
  admit(address: string | null): StreamAdmission {
    if (this.open >= this.perProcess) return { ok: false, reason: "process" };
    const fromAddress = address === null ? 0 : (this.byAddress.get(address) ?? 0);
    if (address !== null && fromAddress >= this.perAddress) return { ok: false, reason: "address" };
    this.open++;
    if (address !== null) this.byAddress.set(address, fromAddress + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.open--;
        if (address === null) return;
        const left = (this.byAddress.get(address) ?? 1) - 1;
        if (left > 0) this.byAddress.set(address, left);
        else this.byAddress.delete(address);
      },
    };
  }

  stats() {
    return { open: this.open, addresses: this.byAddress.size };
  }
}
