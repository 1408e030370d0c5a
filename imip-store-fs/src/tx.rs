//! The changes one commit prepares: whole files, removals and appends,
//! readable as they will be before they land, then handed to the
//! journal ([`crate::journal`]).

use crate::journal::Change;
use crate::read_optional;
use imip_core::StoreError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a commit will do to one file.
enum Staged {
    Write(Vec<u8>),
    Delete,
    /// Bytes added at `offset`, the file's length when first staged.
    Append {
        offset: u64,
        data: Vec<u8>,
    },
}

/// Changes being prepared for one commit (under the principal's lock, so
/// the files do not change underneath).
pub(crate) struct Tx<'a> {
    root: &'a Path,
    changes: BTreeMap<PathBuf, Staged>,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(root: &'a Path) -> Tx<'a> {
        Tx { root, changes: BTreeMap::new() }
    }

    /// The file as it will be after the commit.
    pub(crate) fn read(&self, rel: &Path) -> Result<Option<Vec<u8>>, StoreError> {
        match self.changes.get(rel) {
            Some(Staged::Write(data)) => Ok(Some(data.clone())),
            Some(Staged::Delete) => Ok(None),
            Some(Staged::Append { data, .. }) => {
                let mut bytes = read_optional(&self.root.join(rel))?.unwrap_or_default();
                bytes.extend_from_slice(data);
                Ok(Some(bytes))
            }
            None => read_optional(&self.root.join(rel)),
        }
    }

    pub(crate) fn write(&mut self, rel: PathBuf, data: Vec<u8>) {
        self.changes.insert(rel, Staged::Write(data));
    }

    pub(crate) fn delete(&mut self, rel: PathBuf) {
        self.changes.insert(rel, Staged::Delete);
    }

    /// Adds `data` at the end of the file (creating it), without
    /// rewriting what it holds.
    pub(crate) fn append(&mut self, rel: PathBuf, data: &[u8]) -> Result<(), StoreError> {
        match self.changes.get_mut(&rel) {
            Some(Staged::Write(staged) | Staged::Append { data: staged, .. }) => {
                staged.extend_from_slice(data);
            }
            Some(Staged::Delete) => {
                self.changes.insert(rel, Staged::Write(data.to_vec()));
            }
            None => {
                let offset = match std::fs::metadata(self.root.join(&rel)) {
                    Ok(found) => found.len(),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => 0,
                    Err(error) => return Err(StoreError::unavailable(error)),
                };
                self.changes.insert(rel, Staged::Append { offset, data: data.to_vec() });
            }
        }
        Ok(())
    }

    /// The changes, in path order.
    pub(crate) fn into_changes(self) -> Vec<Change> {
        self.changes
            .into_iter()
            .map(|(path, staged)| match staged {
                Staged::Write(data) => Change::Write(path, data),
                Staged::Delete => Change::Delete(path),
                Staged::Append { offset, data } => Change::Append(path, offset, data),
            })
            .collect()
    }
}
