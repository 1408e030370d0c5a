//! Calendar user addresses (RFC 5545 §3.3.3 CAL-ADDRESS, RFC 6047 §2.3).
//!
//! iMIP requires `mailto:` URIs for ORGANIZER and ATTENDEE. Real clients
//! write `MAILTO:Dave@Example.COM`, percent-encode, or wrap the address in
//! angle brackets; comparisons must not care. [`CalAddress`] compares by
//! the normalised form (the bare e-mail address, lower-cased, without
//! scheme) and keeps the address as it was written, to send mail to: a
//! local part may be case-sensitive (RFC 5321 §2.4), and opaque tokens
//! such as iCloud's `…@imip.me.com` addresses are.

use std::fmt;
use std::sync::Arc;

/// A calendar user address: compared as the lower-cased e-mail address,
/// and sent to as it was written.
///
/// Equality, ordering and hashing are on the normalised form, so
/// `MAILTO:A@X.org` and `mailto:a@x.org` are the same user (iTIP peers
/// change case freely). Mail goes to [`CalAddress::as_written`]: RFC 5321
/// §2.4 lets a local part be case-sensitive, and opaque tokens are.
///
/// ```
/// use imip_core::CalAddress;
/// let a = CalAddress::parse("MAILTO:Dave@Example.COM").unwrap();
/// assert_eq!(a.as_str(), "dave@example.com");
/// assert_eq!(a.as_written(), "Dave@Example.COM");
/// assert_eq!(a, CalAddress::parse("dave@example.com").unwrap());
/// assert_eq!(a.to_uri(), "mailto:dave@example.com");
/// assert!(CalAddress::parse("urn:uuid:1234").is_none());
/// ```
///
/// Cloning is cheap (shared text): every period and participant of an
/// expanded series carries its organizer.
#[derive(Debug, Clone)]
pub struct CalAddress {
    /// Lower-cased: what comparisons, keys and logs use.
    normal: Arc<str>,
    /// As written, when that differs from `normal`.
    written: Option<Arc<str>>,
}

impl PartialEq for CalAddress {
    fn eq(&self, other: &Self) -> bool {
        self.normal == other.normal
    }
}

impl Eq for CalAddress {}

impl PartialOrd for CalAddress {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CalAddress {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.normal.cmp(&other.normal)
    }
}

impl std::hash::Hash for CalAddress {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normal.hash(state);
    }
}

/// Longest address accepted (RFC 5321 §4.5.3.1.3: 256 octets for a path).
const MAX_ADDRESS_LEN: usize = 254;

impl CalAddress {
    /// Parses a calendar address from a `mailto:` URI or a bare address.
    ///
    /// Accepts any case of the scheme, percent-encoding, surrounding
    /// whitespace and angle brackets, and drops a `?query` part. Returns
    /// `None` for non-mail URIs (`urn:`, `http:`, principal paths) and for
    /// anything that is not `local@domain`.
    pub fn parse(value: &str) -> Option<Self> {
        // The form almost every client writes, `mailto:` and a plain
        // address, read in one pass; anything else the general way.
        match plain_mailto(value) {
            Some(Plain::Address { rest, upper }) => {
                let normal: Arc<str> = if upper { rest.to_ascii_lowercase().into() } else { rest.into() };
                Some(CalAddress { normal, written: upper.then(|| rest.into()) })
            }
            Some(Plain::Refused) => None,
            None => Self::parse_general(value),
        }
    }

    /// [`CalAddress::parse`] for every form.
    fn parse_general(value: &str) -> Option<Self> {
        let rest = unwrap_uri(value)?;
        let decoded;
        let written = if rest.contains('%') {
            decoded = percent_decode(rest)?;
            decoded.trim()
        } else {
            rest.trim()
        };
        let lower = |w: &str| if w.is_ascii() { w.to_ascii_lowercase() } else { w.to_lowercase() };
        let normal: Arc<str> = if written.bytes().any(|b| b.is_ascii_uppercase()) || !written.is_ascii() {
            lower(written).into()
        } else {
            written.into()
        };
        if normal.len() > MAX_ADDRESS_LEN || !is_plausible_mailbox(&normal) {
            return None;
        }
        let written = (written != &*normal).then(|| written.into());
        Some(CalAddress { normal, written })
    }

    /// Whether `value`, read as [`CalAddress::parse`] reads it, is this
    /// address: `Some(true)` or `Some(false)` for an address, `None` for
    /// something that is not one (a `urn:` URI, say). The same answer as
    /// `CalAddress::parse(value).map(|a| a == *self)`, without building
    /// an address for the common case of plain ASCII: finding one
    /// attendee among many is a comparison per ATTENDEE, not a parse.
    pub fn matches(&self, value: &str) -> Option<bool> {
        let rest = unwrap_uri(value)?;
        if !rest.is_ascii() || rest.contains('%') {
            return CalAddress::parse(value).map(|a| a == *self);
        }
        let written = rest.trim();
        // This address passed the checks below when it was made.
        if written.eq_ignore_ascii_case(&self.normal) {
            return Some(true);
        }
        // ASCII lower-casing changes no character the checks look at.
        if written.len() > MAX_ADDRESS_LEN || !is_plausible_mailbox(written) {
            return None;
        }
        Some(written.eq_ignore_ascii_case(&self.normal))
    }

    /// Whether `value` names this address: `self.matches(value) ==
    /// Some(true)`, cheaper. The address itself already passed the
    /// mailbox checks, so a value equal to it needs none; one that is not
    /// equal is `false` whether or not it is an address at all.
    pub fn is(&self, value: &str) -> bool {
        // The form almost every client writes: `mailto:` and a plain
        // address, which is this one or not, with nothing to unwrap.
        if let (Some(scheme), Some(rest)) = (value.get(..7), value.get(7..))
            && scheme.eq_ignore_ascii_case("mailto:")
        {
            // Equal to this address: plain like it, so nothing to unwrap.
            // Most clients write it in lower case, as it is kept: a plain
            // comparison, which is a few wide steps, says so first.
            if rest == &*self.normal || rest.eq_ignore_ascii_case(&self.normal) {
                return true;
            }
            if rest.is_ascii() {
                // Reading an ASCII value only shortens it: brackets,
                // spaces and a query go, each `%XX` becomes one byte
                // (lower-casing what they decode to at most adds half
                // again), and lower-casing ASCII keeps the length. So a
                // value no longer than this address, and not equal to
                // it, cannot name it.
                if rest.len() <= self.normal.len() {
                    return false;
                }
                // Nothing to unwrap either: this address or not, as read.
                if !rest.bytes().any(|b| b <= b' ' || matches!(b, b'<' | b'>' | b'?' | b'%' | 0x7f)) {
                    return false;
                }
            }
        }
        let Some(rest) = unwrap_uri(value) else { return false };
        if !rest.is_ascii() || rest.contains('%') {
            return CalAddress::parse(value).is_some_and(|a| a == *self);
        }
        rest.trim().eq_ignore_ascii_case(&self.normal)
    }

    /// The bare, lower-cased e-mail address.
    pub fn as_str(&self) -> &str {
        &self.normal
    }

    /// The bare e-mail address as it was written: where mail is sent.
    pub fn as_written(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.normal)
    }

    /// The `mailto:` URI form used in iCalendar (RFC 6047 §2.3).
    pub fn to_uri(&self) -> String {
        format!("mailto:{}", self.normal)
    }

    /// The domain part, after the last `@`.
    pub fn domain(&self) -> &str {
        self.normal.rsplit('@').next().unwrap_or_default()
    }
}

impl fmt::Display for CalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normal)
    }
}

/// What [`plain_mailto`] found.
enum Plain<'a> {
    /// A plain address after `mailto:`, and whether it has upper case.
    Address { rest: &'a str, upper: bool },
    /// Plain, but no mailbox (no `@` with text on both sides, or too long).
    Refused,
}

/// `mailto:` (any case) followed by printable ASCII with nothing
/// [`CalAddress::parse`] would unwrap, decode or refuse (no space, `<`,
/// `>`, `?`, `%`, `,`, `;` or `"`), read in one pass; `None` for any
/// other form.
fn plain_mailto(value: &str) -> Option<Plain<'_>> {
    let (scheme, rest) = (value.get(..7)?, value.get(7..)?);
    if !scheme.eq_ignore_ascii_case("mailto:") {
        return None;
    }
    let (mut special, mut upper, mut at) = (false, false, None);
    for (i, b) in rest.bytes().enumerate() {
        special |= !b.is_ascii_graphic() | matches!(b, b'<' | b'>' | b'?' | b'%' | b',' | b';' | b'"');
        upper |= b.is_ascii_uppercase();
        if b == b'@' {
            at = Some(i);
        }
    }
    if special {
        return None;
    }
    let mailbox = at.is_some_and(|at| at > 0 && at + 1 < rest.len()) && rest.len() <= MAX_ADDRESS_LEN;
    Some(if mailbox { Plain::Address { rest, upper } } else { Plain::Refused })
}

/// The address part of a `mailto:` URI or a bare address: surrounding
/// whitespace, angle brackets, the scheme and a `?query` removed. `None`
/// for another scheme.
fn unwrap_uri(value: &str) -> Option<&str> {
    let value = value.trim().trim_matches(|c| c == '<' || c == '>').trim();
    let rest = match value.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => &value[7..],
        _ if value.contains(':') => return None,
        _ => value,
    };
    Some(rest.split('?').next().unwrap_or_default())
}

fn is_plausible_mailbox(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let refused = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"');
    let clean = if address.is_ascii() {
        // The same test, a byte at a time (the common case): in ASCII,
        // whitespace and control characters are the bytes up to the
        // space, and DEL.
        !address.bytes().any(|b| b <= b' ' || b == 0x7f || matches!(b, b'<' | b'>' | b',' | b';' | b'"'))
    } else {
        !address.chars().any(refused)
    };
    !local.is_empty() && !domain.is_empty() && clean
}

/// Decodes `%XX` escapes (RFC 3986 §2.1); `None` if one is malformed or
/// the result is not UTF-8. Also used by stores that percent-encode names.
pub fn percent_decode(value: &str) -> Option<String> {
    if !value.contains('%') {
        return Some(value.to_string());
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_scheme_case_and_brackets() {
        for raw in [
            "mailto:a@example.com",
            "MAILTO:A@Example.com",
            " <a@EXAMPLE.com> ",
            "mailto:a%40example.com",
            "mailto:a@example.com?subject=x",
        ] {
            assert_eq!(CalAddress::parse(raw).unwrap().as_str(), "a@example.com", "{raw}");
        }
    }

    #[test]
    fn rejects_non_mail_addresses() {
        for raw in ["", "urn:uuid:x", "/principals/users/a", "http://x/a", "a", "@x", "a@", "a b@x"] {
            assert!(CalAddress::parse(raw).is_none(), "{raw}");
        }
    }

    proptest::proptest! {
        /// `matches` answers as parsing and comparing would.
        #[test]
        fn matches_agrees_with_parse(
            value in "[ <>]{0,2}((?i:mailto:)|urn:|)([a-zA-Z0-9.%@ <>?=:,\u{e9}\u{c9}\u{130}]|%C4%B0|%c3%a9){0,24}",
            other in "(?i:mailto:)?[a-zA-Z\u{e9}]{1,3}@[a-zA-Z.]{1,6}",
        ) {
            let other = CalAddress::parse(&other).unwrap();
            let expected = CalAddress::parse(&value).map(|a| a == other);
            proptest::prop_assert_eq!(other.matches(&value), expected);
            proptest::prop_assert_eq!(other.is(&value), expected == Some(true));
            if let Some(same) = CalAddress::parse(&value) {
                proptest::prop_assert_eq!(same.matches(&value), Some(true));
                proptest::prop_assert!(same.is(&value));
            }
        }

        /// The one-pass reading of a plain `mailto:` value gives what the
        /// general reading gives: the same address, as written, or none.
        #[test]
        fn the_plain_reading_agrees_with_the_general_one(
            value in "(?i:mailto:)[a-zA-Z0-9.%@ <>?=:,;\"\u{e9}\u{c9}_-]{0,24}",
        ) {
            let read = |a: Option<CalAddress>| a.map(|a| (a.as_str().to_string(), a.as_written().to_string()));
            proptest::prop_assert_eq!(read(CalAddress::parse(&value)), read(CalAddress::parse_general(&value)));
        }
    }

    #[test]
    fn the_plain_reading_keeps_the_address_as_written() {
        let a = CalAddress::parse("MAILTO:Dave@Example.COM").unwrap();
        assert_eq!((a.as_str(), a.as_written()), ("dave@example.com", "Dave@Example.COM"));
        let b = CalAddress::parse("mailto:dave@example.com").unwrap();
        assert_eq!((b.as_str(), b.as_written()), ("dave@example.com", "dave@example.com"));
        for refused in ["mailto:@example.com", "mailto:dave@", "mailto:dave", "mailto:"] {
            assert!(CalAddress::parse(refused).is_none(), "{refused}");
        }
        assert!(CalAddress::parse(&format!("mailto:{}@example.com", "a".repeat(250))).is_none());
    }

    #[test]
    fn matches_without_parsing() {
        let a = CalAddress::parse("a@example.com").unwrap();
        assert_eq!(a.matches("MAILTO:A@Example.COM"), Some(true));
        assert_eq!(a.matches("mailto:b@example.com"), Some(false));
        assert_eq!(a.matches("mailto:a%40example.com"), Some(true));
        assert_eq!(a.matches("urn:uuid:1234"), None);
        // Decoded and lower-cased, longer than the three bytes each
        // `%XX` is written with (U+0130 lower-cases to three bytes).
        let dotted = CalAddress::parse("mailto:%C4%B0@x.io").unwrap();
        assert_eq!(dotted.as_str(), "i\u{307}@x.io");
        assert!(dotted.is("mailto:%C4%B0@x.io"));
        assert!(dotted.is("MAILTO:%c4%b0@X.IO"));
        assert!(!dotted.is("mailto:i@x.io"));
        assert_eq!(a.matches("not an address"), None);
    }

    #[test]
    fn rejects_oversized_addresses() {
        let long = format!("{}@example.com", "a".repeat(300));
        assert!(CalAddress::parse(&long).is_none());
    }
}
