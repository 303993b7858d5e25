//! The confirmation before a write to a database that is not the sandbox: a
//! native dialog the shell shows, naming the database, host and profile. It is
//! outside the webview on purpose: code in the window (or a script injected
//! into it) can call a command, but cannot answer this dialog. The answer is
//! bound to the exact target it named, and checked again before the write.

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use waybill::connection::{Confirmation, Connection};

use crate::commands::blocking;
use crate::IpcError;

/// Asks the user (on the sandbox: nothing to ask); `action` says what the
/// write does, e.g. "Create Waybill's tables, function and indexes".
pub async fn confirm_write<R: Runtime>(
    app: &AppHandle<R>,
    current: &Connection,
    action: &str,
) -> Result<Option<Confirmation>, IpcError> {
    let Some(target) = current.write_target() else {
        return Ok(None);
    };
    let profile = if target.profile.is_empty() {
        String::new()
    } else {
        format!(" (profile {})", target.profile)
    };
    let text = format!(
        "{action} in database “{}” on {}:{}{profile}, as user “{}”?\n\nThis is not the sandbox: the data there is real.",
        target.database, target.host, target.port, target.user
    );
    let dialog = app
        .dialog()
        .message(text)
        .title(format!("Write to {}?", target.database))
        .kind(MessageDialogKind::Warning)
        // Mnemonics: Alt+W writes, Alt+C or Esc cancels.
        .buttons(MessageDialogButtons::OkCancelCustom(
            format!("_Write to {}", target.database.replace('_', "__")),
            "_Cancel".into(),
        ));
    tracing::info!(database = %target.database, host = %target.host, "asking to confirm a write");
    if !blocking(move || dialog.blocking_show()).await? {
        return Err(waybill::Error::Cancelled {
            database: target.database,
        }
        .into());
    }
    let confirmation = Confirmation::given_for(target);
    current.check_write(Some(&confirmation))?;
    Ok(Some(confirmation))
}
