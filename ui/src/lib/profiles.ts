// Connection profile helpers for the form: defaults and the words for TLS modes.

import type { Profile, TlsMode } from "./api";

/** Supabase's and most poolers' transaction-mode port (a pooler is assumed there). */
export const POOLER_PORT = 6543;

export const TLS_MODES: { mode: TlsMode; label: string; note: string }[] = [
  {
    mode: "verify-full",
    label: "verify-full (encrypt, check the server)",
    note: "Encrypted, and the certificate and host name are checked: the only mode that proves who the server is.",
  },
  {
    mode: "require",
    label: "require (encrypt)",
    note: "Encrypted, but who the server is is not checked: only verify-full (with the server's CA file) does that.",
  },
  {
    mode: "prefer",
    label: "prefer (encrypt if offered)",
    note: "Encrypted only if the server offers it, and the server is not checked. Fine for this machine; not for the internet.",
  },
  {
    mode: "disable",
    label: "disable (never encrypt)",
    note: "Not encrypted: passwords and data cross the network in the clear. Use only on a trusted network.",
  },
];

export function isLocal(host: string): boolean {
  return ["localhost", "127.0.0.1", "::1", ""].includes(host) || host.startsWith("/");
}

/** The defaults the core uses too: require for remote hosts, 10 s / 30 s / 5 s. */
export function blankProfile(): Profile {
  return {
    name: "",
    host: "",
    port: 5432,
    database: "postgres",
    user: "postgres",
    tls: "require",
    ca_file: null,
    pooler: false,
    connect_timeout_s: 10,
    statement_timeout_ms: 30000,
    lock_timeout_ms: 5000,
    schema: null,
  };
}

/** `user@host:port/database`, as a profile is shown in lists. */
export function where(p: Profile): string {
  return `${p.user}@${p.host}:${p.port}/${p.database}`;
}
