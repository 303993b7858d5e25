//! Ctrl-C, one way for every command: the first interrupt cancels a token
//! (saying on stderr what happens now) instead of killing the process, so that
//! work in progress can end cleanly; the watcher goes when the guard does.

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct CtrlC {
    token: CancellationToken,
    watcher: JoinHandle<()>,
}

impl CtrlC {
    /// Watches for Ctrl-C; `says` is printed when it comes (empty: nothing).
    pub fn watch(says: &'static str) -> CtrlC {
        let token = CancellationToken::new();
        let cancel = token.clone();
        let watcher = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                if !says.is_empty() {
                    eprintln!("\n{says}");
                }
                cancel.cancel();
            }
        });
        CtrlC { token, watcher }
    }

    /// Cancelled at the first Ctrl-C (or by whoever else cancels it).
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}
