// "Load this when these values change": one helper instead of a key string,
// a stale-answer counter and an error variable in every component. Values are
// compared by content, because the route objects behind a page's props are new
// on every navigation even when nothing changed.

import { untrack } from "svelte";
import { toIpcError } from "./ipc";
import type { IpcError } from "./bindings/IpcError";

/** Runs `run(deps)` when `deps()` changes by value (call during component setup). */
export function whenChanged<D>(deps: () => D, run: (deps: D) => void): void {
  let last: string | undefined;
  $effect(() => {
    const current = deps();
    const key = JSON.stringify(current);
    if (key === last) return;
    last = key;
    untrack(() => run(current));
  });
}

/** The latest answer of a load, its error, and whether one is on its way. */
export class Loader<T> {
  value = $state<T | null>(null);
  failure = $state<IpcError | null>(null);
  loading = $state(false);
  #request = 0;

  /** Starts `fetch`; an answer that arrives after a newer load started is dropped. */
  async load(fetch: () => Promise<T>, { keep = true }: { keep?: boolean } = {}): Promise<T | null> {
    const mine = ++this.#request;
    this.loading = true;
    this.failure = null;
    if (!keep) this.value = null;
    try {
      const value = await fetch();
      if (mine !== this.#request) return null;
      this.value = value;
      return value;
    } catch (e) {
      if (mine === this.#request) this.failure = toIpcError(e);
      return null;
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  /** Forgets the answer (and drops any load on its way). */
  clear(): void {
    this.#request++;
    this.value = null;
    this.failure = null;
    this.loading = false;
  }
}

/** A loader that loads `fetch(deps)` whenever `deps()` changes by value. */
export function loadWhen<D, T>(deps: () => D, fetch: (deps: D) => Promise<T> | null, options?: { keep?: boolean }): Loader<T> {
  const loader = new Loader<T>();
  whenChanged(deps, (d) => {
    const promise = fetch(d);
    if (promise === null) loader.clear();
    else loader.load(() => promise, options);
  });
  return loader;
}
