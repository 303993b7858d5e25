// The open connection, shared by every screen: the top bar shows it. Writes to
// a database that is not the sandbox are confirmed by the shell itself, in a
// dialog outside this window (see src-tauri/src/confirm.rs).

import type { ConnectionInfo } from "./api";

export const connection = $state<{ current: ConnectionInfo | null }>({ current: null });
