// How the health screen shows sizes and counts.

/** `1.2 GB`, `77 MB`, `8.0 kB`. */
export function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${Math.round(n / 1e6)} MB`;
  return `${(n / 1e3).toFixed(1)} kB`;
}

/** `12,345`. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `0.71 ms`, `12.4 ms`, `1.20 s`. */
export function ms(n: number): string {
  if (n >= 1000) return `${(n / 1000).toFixed(2)} s`;
  return n >= 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(2)} ms`;
}
