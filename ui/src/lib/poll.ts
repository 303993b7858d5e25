// Polling for what changed (live timelines): often while something happens,
// less often while nothing does, not at all while the window is hidden. Each
// poll is one keyset query for rows newer than the newest shown, which the
// history's (shipment, version) index answers at once; nothing is written to
// the user's database (no triggers, no LISTEN channels to set up).

/** How often to look: `min` ms after a poll found something, growing by half
 *  per empty poll up to `max`. */
export type Cadence = { min: number; max: number };
export const LIVE: Cadence = { min: 1500, max: 6000 };

/** The wait after a poll: back to `min` when it found something, else longer. */
export function nextDelay(delay: number, found: boolean, cadence: Cadence = LIVE): number {
  return found ? cadence.min : Math.min(cadence.max, Math.round(delay * 1.5));
}

/** Calls `tick` (true when it found something) until the returned function is called. */
export function poll(tick: () => Promise<boolean>, cadence: Cadence = LIVE): () => void {
  let delay = cadence.min;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    if (!document.hidden) {
      let found = false;
      try {
        found = await tick();
      } catch {
        // A failed poll (the connection dropped) is tried again later; the
        // list shown stays as it is.
      }
      delay = nextDelay(delay, found, cadence);
    }
    if (!stopped) timer = setTimeout(run, delay);
  };
  // Back to the quick cadence, at once, when the window is shown again.
  const shown = () => {
    if (document.hidden || stopped) return;
    clearTimeout(timer);
    delay = cadence.min;
    timer = setTimeout(run, 0);
  };
  document.addEventListener("visibilitychange", shown);
  timer = setTimeout(run, delay);
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", shown);
  };
}
