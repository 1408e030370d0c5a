//! The store's own checks beside the engine's: files an administrator
//! or a crash could have left wrong.

use crate::journal::Change;
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
            // Taking the lock finishes an interrupted commit.
            drop(self.lock(&address)?);
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

    /// Rebuilds the `state` file of each record whose state cannot be
    /// read, from what survives beside it: the object (`object.ics`,
    /// which must parse), the principal's pending queue, and the
    /// counter-proposals kept in `counters/`. The version restarts at 1.
    /// Returns the records rebuilt and those that could not be (their
    /// object is missing or unreadable too).
    pub fn rebuild_damaged_states(&self) -> Result<(Vec<String>, Vec<Problem>), StoreError> {
        let (mut rebuilt, mut left) = (Vec::new(), Vec::new());
        let principals = self.root.join("principals");
        for name in entries(&principals)? {
            let dir = principals.join(&name);
            let Some(address) = read_optional(&dir.join("address"))?
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|a| CalAddress::parse(&a))
            else {
                continue;
            };
            let _lock = self.lock(&address)?;
            let queue_rel = Self::principal_rel(&address).join("pending");
            for shard in entries(&dir.join("records"))? {
                for record in entries(&dir.join("records").join(&shard))? {
                    let rel = Self::principal_rel(&address).join("records").join(&shard).join(&record);
                    if !matches!(self.read_state(&rel), Err(StoreError::Corrupt { .. })) {
                        continue;
                    }
                    let record_dir = self.root.join(&rel);
                    let Some(uid) = names::decode(&record) else {
                        left.push(Problem::Damaged {
                            key: record_dir.display().to_string(),
                            reason: "unreadable state, and the directory name is not a UID".into(),
                        });
                        continue;
                    };
                    if let Err(error) = self.read_object(&record_dir.join("object.ics")) {
                        left.push(Problem::Damaged {
                            key: record_dir.display().to_string(),
                            reason: format!(
                                "unreadable state, and no readable object to rebuild it from: {error}"
                            ),
                        });
                        continue;
                    }
                    let queue = self.read_queue(read_optional(&self.root.join(&queue_rel))?, &queue_rel)?;
                    let mut counters = Vec::new();
                    for file in entries(&record_dir.join("counters"))? {
                        if let Some(from) = file
                            .strip_suffix(".ics")
                            .and_then(names::decode)
                            .and_then(|a| CalAddress::parse(&a))
                        {
                            counters.push(from);
                        }
                    }
                    let state = crate::state::State {
                        version: 1,
                        pending: queue.get(&uid).cloned(),
                        counters,
                        has_object: true,
                    };
                    // Through the journal, as every change to a principal's files.
                    let change = Change::Write(rel.join("state"), state.render(&uid));
                    self.disk().commit(
                        &self.root,
                        &self.root.join(Self::principal_rel(&address)),
                        vec![change],
                    )?;
                    rebuilt.push(format!("{address}/{uid}"));
                }
            }
        }
        Ok((rebuilt, left))
    }
}
