//! Safe file names from UIDs, addresses and set keys.
//!
//! Nothing that comes from a message ever becomes a path as is. Every
//! name is percent-encoded so that it holds only `[a-z0-9_@-]`, `.` (not
//! in the first place) and `%XX`: no separator, no NUL, no `.` or `..`,
//! and no upper case, so two names that differ only by case stay distinct
//! on case-insensitive filesystems. A name whose encoding is longer than
//! [`MAX_NAME`] keeps a readable prefix and ends with `~` and 32 hex
//! digits of its SHA-256 (`~` is itself always encoded, so hashed names
//! cannot collide with plain ones). The full value is stored inside the
//! entry, so nothing is lost.

use sha2::{Digest, Sha256};

/// The longest encoded name used as is (file systems allow 255 bytes).
pub(crate) const MAX_NAME: usize = 150;

/// The file name for `value`.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, byte) in value.bytes().enumerate() {
        let keep = byte.is_ascii_lowercase()
            || byte.is_ascii_digit()
            || matches!(byte, b'_' | b'@' | b'-')
            || (byte == b'.' && i > 0);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.len() <= MAX_NAME {
        return out;
    }
    // The encoding is ASCII; do not cut an escape in half.
    let bytes = out.as_bytes();
    let mut cut = MAX_NAME - 40;
    if bytes[cut - 1] == b'%' {
        cut -= 1;
    } else if bytes[cut - 2] == b'%' {
        cut -= 2;
    }
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{}~{hex}", &out[..cut])
}

/// The value of an encoded name, unless it was hashed (or is not ours).
pub(crate) fn decode(name: &str) -> Option<String> {
    if name.contains('~') {
        return None;
    }
    percent_decode(name)
}

pub(crate) use imip_core::backend::percent_decode;

/// A two-hex-digit shard for a value, so that no directory holds more
/// than about 1/256 of a principal's records.
pub(crate) fn shard(value: &str) -> String {
    format!("{:02x}", Sha256::digest(value.as_bytes())[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_harmless_and_distinct() {
        let values = ["..", ".", "../x", "a/b", "a\0b", "ABC", "abc", "~x", "%41", "A", "con", "é"];
        let encoded: Vec<String> = values.iter().map(|v| encode(v)).collect();
        for (value, name) in values.iter().zip(&encoded) {
            assert!(!name.contains('/') && !name.contains('\0') && name != "." && name != "..", "{name}");
            assert!(!name.starts_with('.'), "{name}");
            assert!(name.bytes().all(|b| !b.is_ascii_uppercase() || name.contains('%')), "{name}");
            assert_eq!(decode(name).as_deref(), Some(*value));
        }
        let mut unique = encoded.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), values.len());
    }

    #[test]
    fn long_names_are_hashed_within_the_limit() {
        let long = "Ab/".repeat(400);
        let name = encode(&long);
        assert!(name.len() <= MAX_NAME, "{}", name.len());
        assert!(name.contains('~'));
        assert_eq!(decode(&name), None);
        assert_ne!(encode(&format!("{long}x")), name);
    }
}
