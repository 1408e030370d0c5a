//! The store's own checks beside the engine's: files an administrator
//! or a crash could have left wrong.

use crate::{FsStore, entries, names, read_optional};
use imip_core::admin::Problem;
use imip_core::{CalAddress, StoreError};
use std::path::Path;

impl FsStore {
    /// Checks the files themselves: unreadable or malformed entries,
    /// leftover temporary files, and interrupted commits. Combine with
    /// [`imip_core::admin::check`] for the store-independent checks.
    pub fn check_files(&self) -> Result<Vec<Problem>, StoreError> {
        let mut problems = Vec::new();
        let mut damaged = |path: &Path, reason: &str| {
            problems.push(Problem::Damaged { key: path.display().to_string(), reason: reason.to_string() })
        };
        let principals = self.root.join("principals");
        for name in entries(&principals)? {
            let dir = principals.join(&name);
            let address = read_optional(&dir.join("address"))?
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|a| CalAddress::parse(&a));
            let Some(address) = address else {
                damaged(&dir, "no readable address file");
                continue;
            };
            if names::encode(address.as_str()) != name {
                damaged(&dir, "directory name does not match its address");
            }
            if dir.join("journal").exists() {
                // Taking the lock finishes the interrupted commit.
                drop(self.lock(&address)?);
            }
            for shard in entries(&dir.join("records"))? {
                for record in entries(&dir.join("records").join(&shard))? {
                    let rel = dir.join("records").join(&shard).join(&record);
                    match self.read_state(rel.strip_prefix(&self.root).unwrap_or(&rel)) {
                        Ok(Some((uid, _)))
                            if names::encode(&uid) == record && names::shard(&uid) == shard => {}
                        Ok(Some(_)) => damaged(&rel, "state names another UID"),
                        Ok(None) => damaged(&rel, "record directory without a state file"),
                        Err(error) => damaged(&rel, &error.to_string()),
                    }
                }
            }
            for set in entries(&dir.join("periods"))? {
                let months = dir.join("periods").join(&set).join("months");
                for month in entries(&months)? {
                    let rel = months.join(&month);
                    if let Err(error) = self.read_bucket(None, rel.strip_prefix(&self.root).unwrap_or(&rel)) {
                        damaged(&rel, &error.to_string());
                    }
                }
            }
        }
        for (_, name, _) in self.outbox_entries()? {
            if let Err(error) = self.read_mail(&name) {
                damaged(&self.outbox_dir().join(&name), &error.to_string());
            }
        }
        Ok(problems)
    }
}
