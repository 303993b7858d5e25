// The open connection, shared by every screen: the top bar shows it, and any
// write to a database that is not the sandbox is confirmed by naming it.

import type { ConnectionInfo } from "./api";

export const connection = $state<{ current: ConnectionInfo | null }>({ current: null });

/**
 * Runs write work at once on the sandbox; elsewhere it waits in `pending` until
 * the user confirms (the dialog names the database), and then gets that
 * database's name, which the shell checks against the open connection.
 */
export class WriteGuard {
  pending = $state<((confirm: string | null) => void) | null>(null);

  run(work: (confirm: string | null) => void): void {
    const current = connection.current;
    if (!current || current.sandbox) work(null);
    else this.pending = work;
  }

  confirm(): void {
    const work = this.pending;
    this.pending = null;
    work?.(connection.current?.database ?? null);
  }

  cancel(): void {
    this.pending = null;
  }
}
