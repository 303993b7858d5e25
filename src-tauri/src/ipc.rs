//! What crosses between the window and the shell besides the data types: the
//! panic guard every command runs behind, and each command's signature, from
//! which `bindings` writes the TypeScript wrappers and the capability file.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;

use crate::IpcError;

/// Runs a command's body; a panic becomes an `internal` error (and a log
/// line) instead of a promise the window waits on forever.
pub async fn guarded<T>(command: &str, body: impl Future<Output = Result<T, IpcError>>) -> Result<T, IpcError> {
    match AssertUnwindSafe(body).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let what = panic_text(&*panic);
            tracing::error!(command, panic = %what, "a command panicked");
            Err(waybill::Error::internal(format!("the `{command}` command failed ({what})")).into())
        }
    }
}

fn panic_text(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// A command as the window calls it.
#[cfg(test)]
pub struct CommandSpec {
    pub name: &'static str,
    pub doc: &'static str,
    pub args: Vec<Arg>,
    /// The progress channel's message type, if the command streams progress.
    pub channel: Option<Arg>,
    pub returns: Arg,
    /// It writes to the database, after the user's confirmation (`#[command(writes)]`).
    pub writes: bool,
}

/// An argument (or result): its name in the window and its TypeScript type.
#[cfg(test)]
pub struct Arg {
    pub name: &'static str,
    pub ts: String,
    /// The generated binding files the type refers to: (type name, file).
    pub imports: Vec<(String, String)>,
}

#[cfg(test)]
impl Arg {
    pub fn of<T: ts_rs::TS + 'static>(name: &'static str) -> Arg {
        struct Collect<'a>(&'a ts_rs::Config, Vec<(String, String)>);
        impl ts_rs::TypeVisitor for Collect<'_> {
            fn visit<U: ts_rs::TS + 'static + ?Sized>(&mut self) {
                if let Some(dep) = ts_rs::Dependency::from_ty::<U>(self.0) {
                    self.1
                        .push((dep.ts_name, dep.output_path.to_string_lossy().into_owned()));
                }
            }
        }
        let cfg = ts_rs::Config::from_env();
        let mut collect = Collect(&cfg, Vec::new());
        ts_rs::TypeVisitor::visit::<T>(&mut collect);
        <T as ts_rs::TS>::visit_generics(&mut collect);
        Arg {
            name,
            ts: <T as ts_rs::TS>::name(&cfg),
            imports: collect.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error_instead_of_a_silent_window() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let answer: Result<u32, IpcError> = rt.block_on(guarded("list_shipments", async {
            let eta: Option<u32> = None;
            Ok(eta.expect("a value that was never there"))
        }));
        let e = answer.unwrap_err();
        assert_eq!(e.code, "internal");
        assert!(
            e.message.contains("list_shipments") && e.message.contains("never there"),
            "{}",
            e.message
        );
        assert!(e.message.contains("report it"), "{}", e.message);
    }
}
