// Connection profile helpers for the form: the words for TLS modes. A new
// profile's defaults are the core's (`profileDefaults`), never written here.

import type { Profile, TlsMode } from "./api";

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

/** `user@host:port/database`, as a profile is shown in lists. */
export function where(p: Profile): string {
  return `${p.user}@${p.host}:${p.port}/${p.database}`;
}
