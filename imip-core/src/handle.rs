//! Short handles for UIDs, so that a person can name an event on a
//! command line or in a URL without typing a 100-character Outlook UID.
//!
//! A handle is six characters of Crockford's base 32 (lower case, no
//! `i`, `l`, `o` or `u`) from a 64-bit FNV-1a hash of the UID: 30 bits,
//! stable across runs and machines, and the same for every user who holds
//! the event. A handle names a UID only among one user's events, and only
//! when exactly one of them has it ([`resolve`]).

/// How many characters a handle has.
pub const HANDLE_CHARS: usize = 6;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The handle of `uid`.
///
/// ```
/// let h = imip_core::handle::handle("040000008200E00074C5B7101A82E00800000000@contoso.example");
/// assert_eq!(h.len(), 6);
/// assert_eq!(h, imip_core::handle::handle("040000008200E00074C5B7101A82E00800000000@contoso.example"));
/// ```
pub fn handle(uid: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in uid.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..HANDLE_CHARS).map(|i| ALPHABET[((hash >> (59 - 5 * i)) & 31) as usize] as char).collect()
}

/// What a name given by a person stands for among a user's UIDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// One UID: the name is that UID, or its handle.
    Uid(String),
    /// No UID has that name or handle.
    Unknown,
    /// Several UIDs share the handle; they are listed.
    Ambiguous(Vec<String>),
}

/// Resolves `name` among `uids`: a UID itself wins; otherwise a handle
/// (case and Crockford's look-alikes `i`, `l` → `1`, `o` → `0` forgiven).
pub fn resolve<'a>(name: &str, uids: impl IntoIterator<Item = &'a str>) -> Resolved {
    let uids: Vec<&str> = uids.into_iter().collect();
    if uids.contains(&name) {
        return Resolved::Uid(name.to_string());
    }
    let wanted: String = name
        .trim()
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            'i' | 'l' => '1',
            'o' => '0',
            other => other,
        })
        .collect();
    if wanted.len() != HANDLE_CHARS {
        return Resolved::Unknown;
    }
    let mut found: Vec<String> =
        uids.iter().filter(|uid| handle(uid) == wanted).map(|u| u.to_string()).collect();
    found.sort();
    match found.len() {
        0 => Resolved::Unknown,
        1 => Resolved::Uid(found.remove(0)),
        _ => Resolved::Ambiguous(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_names_one_uid_and_forgives_case_and_look_alikes() {
        let uids = ["a@example.com", "b@example.com", "c@example.com"];
        let handles: Vec<String> = uids.iter().map(|u| handle(u)).collect();
        assert!(handles.iter().all(|h| h.len() == HANDLE_CHARS && h.bytes().all(|b| ALPHABET.contains(&b))));
        assert_eq!(handles.iter().collect::<std::collections::BTreeSet<_>>().len(), 3, "{handles:?}");
        assert_eq!(resolve(&handles[1], uids), Resolved::Uid("b@example.com".into()));
        assert_eq!(resolve(&handles[1].to_uppercase(), uids), Resolved::Uid("b@example.com".into()));
        let confused = handles[1].replace('1', "l").replace('0', "O");
        assert_eq!(resolve(&confused, uids), Resolved::Uid("b@example.com".into()));
        assert_eq!(resolve("c@example.com", uids), Resolved::Uid("c@example.com".into()));
        assert_eq!(resolve("zzzzzz", ["a@example.com"]), resolve("zzzzzz", ["a@example.com"]));
        assert_eq!(resolve("short", uids), Resolved::Unknown);
    }

    #[test]
    fn two_uids_with_one_handle_are_ambiguous() {
        // Find a collision among generated UIDs (30 bits: birthday bound
        // around 32k), then check both are listed.
        let mut seen = std::collections::HashMap::new();
        let mut pair = None;
        for n in 0..200_000u32 {
            let uid = format!("{n}@example.com");
            if let Some(previous) = seen.insert(handle(&uid), uid.clone()) {
                pair = Some((previous, uid));
                break;
            }
        }
        let (a, b) = pair.expect("a collision among 200k UIDs");
        let h = handle(&a);
        assert_eq!(
            resolve(&h, [a.as_str(), b.as_str()]),
            Resolved::Ambiguous(
                vec![a.clone(), b.clone()]
                    .into_iter()
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            )
        );
    }
}
