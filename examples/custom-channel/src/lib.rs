//! A notification channel of a team's own: every event goes to a file, one JSON object
//! per line, for a log shipper to pick up. The whole of it is the trait below; the
//! binary in `main.rs` registers it with goats.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use goats::channel::{ChannelError, Event, NotificationChannel, Recipient, async_trait};

/// Appends each event, with the logins it is addressed to, to a JSON Lines file.
pub struct FileChannel {
    path: PathBuf,
    // One writer at a time, so lines never interleave.
    lock: Mutex<()>,
}

impl FileChannel {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), lock: Mutex::new(()) }
    }
}

#[async_trait]
impl NotificationChannel for FileChannel {
    fn name(&self) -> String {
        format!("file:{}", self.path.display())
    }

    async fn deliver(&self, event: &Event, recipients: &[Recipient]) -> Result<(), ChannelError> {
        let line = serde_json::json!({
            "event": event,
            "recipients": recipients.iter().map(|r| &r.login).collect::<Vec<_>>(),
        });
        let _one_at_a_time = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| ChannelError(format!("cannot open {}: {e}", self.path.display())))?;
        // One write of the whole line: `writeln!` writes piece by piece, and a reader
        // could see half a line.
        file.write_all(format!("{line}\n").as_bytes())
            .map_err(|e| ChannelError(format!("cannot write {}: {e}", self.path.display())))
    }
}
