//! Which Waybill this is (version and commit), for the window's About line.

use crate::command;
use crate::IpcError;

#[command]
pub async fn about() -> Result<waybill::about::About, IpcError> {
    Ok(waybill::about::about())
}
