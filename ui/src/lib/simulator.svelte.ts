// The sandbox simulator, as a switch the whole window shares: it keeps writing
// realistic changes (through create_history_entry) so live views have
// something to show. The shell runs it; the window counts what it writes.

import { simulationRunning, startSimulation, stopSimulation, type Written } from "./api";
import { toIpcError } from "./ipc";
import type { IpcError } from "./bindings/IpcError";

export const RATES = [30, 120, 600] as const;

class Simulator {
  running = $state(false);
  written = $state(0);
  rate = $state<number>(RATES[0]);
  last = $state.raw<Written | null>(null);
  failure = $state.raw<IpcError | null>(null);

  /** Starts writing about `rate` changes a minute; resolves when it stops. */
  async start(rate: number) {
    if (this.running) return;
    this.rate = rate;
    this.running = true;
    this.written = 0;
    this.last = null;
    this.failure = null;
    try {
      await startSimulation(rate, (w) => {
        this.written += 1;
        this.last = w;
      });
    } catch (e) {
      this.failure = toIpcError(e);
    } finally {
      this.running = false;
    }
  }

  async stop() {
    try {
      await stopSimulation();
    } catch (e) {
      this.failure = toIpcError(e);
    }
  }

  /** After a reload of the window: a simulator still writing shows as on. */
  async sync() {
    try {
      if (await simulationRunning()) this.running = true;
    } catch {
      // Not connected yet: the switch stays off.
    }
  }
}

export const simulator = new Simulator();
