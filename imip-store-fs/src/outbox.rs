//! The outbox on disk: one `<id>.mail` file per mail, renamed to
//! `<id>.claim-<until>` while a process sends it.

use crate::{FsStore, corrupt, entries, read_optional};
use imip_core::StoreError;
use imip_core::backend::{OutgoingMail, decode_mail};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

static OUTBOX_SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// The suffix of mail the transport refused for good
/// ([`imip_core::Store::set_aside`]): never claimed again.
pub(crate) const UNDELIVERABLE: &str = ".undeliverable";

impl FsStore {
    pub(crate) fn outbox_dir(&self) -> PathBuf {
        self.root.join("outbox")
    }

    pub(crate) fn new_outbox_name() -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let sequence = OUTBOX_SEQUENCE.fetch_add(1, Ordering::Relaxed);
        format!("{nanos:020}-{:010}-{sequence:06}", crate::journal::process_id())
    }

    /// The outbox entries: (id, current file name, lease end if claimed).
    pub(crate) fn outbox_entries(&self) -> Result<Vec<(String, String, Option<i64>)>, StoreError> {
        let mut found = Vec::new();
        for name in entries(&self.outbox_dir())? {
            if let Some(id) = name.strip_suffix(".mail") {
                found.push((id.to_string(), name.clone(), None));
            } else if let Some(id) = name.strip_suffix(UNDELIVERABLE) {
                found.push((id.to_string(), name.clone(), Some(i64::MAX)));
            } else if let Some((id, until)) = name.split_once(".claim-") {
                found.push((id.to_string(), name.clone(), Some(until.parse().unwrap_or(i64::MIN))));
            }
        }
        found.sort();
        Ok(found)
    }

    pub(crate) fn read_mail(&self, name: &str) -> Result<Option<OutgoingMail>, StoreError> {
        let path = self.outbox_dir().join(name);
        match read_optional(&path)? {
            Some(bytes) => {
                decode_mail(&bytes).map(Some).ok_or_else(|| corrupt(&path, "malformed outbox entry"))
            }
            None => Ok(None),
        }
    }
}
