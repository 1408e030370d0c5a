//! Address patterns for access lists, quotas, groups and holds.

use crate::CalAddress;
use std::fmt;

/// Whom a rule applies to.
///
/// Written `*` (anyone), `@example.com` or `*@example.com` (a mail domain,
/// its subdomains excluded), `group:staff` (a group of the directory), or
/// an address (`alice@example.com` or `mailto:alice@example.com`).
///
/// ```
/// use imip_core::CalAddress;
/// use imip_core::resource::AddressPattern;
/// let domain = AddressPattern::parse("@Example.com").unwrap();
/// assert!(domain.matches(&CalAddress::parse("bob@example.com").unwrap()));
/// assert!(!domain.matches(&CalAddress::parse("bob@sub.example.com").unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddressPattern {
    /// Anyone.
    Anyone,
    /// Every address of one mail domain (lower-cased).
    Domain(String),
    /// The members of a group of the directory.
    Group(String),
    /// One address.
    Exact(CalAddress),
}

impl AddressPattern {
    /// Parses a pattern; the error says what is wrong.
    pub fn parse(text: &str) -> Result<AddressPattern, String> {
        let text = text.trim();
        if text == "*" {
            return Ok(AddressPattern::Anyone);
        }
        if let Some(name) = text.strip_prefix("group:") {
            if name.is_empty() {
                return Err("\"group:\" needs a group name".into());
            }
            return Ok(AddressPattern::Group(name.to_string()));
        }
        if let Some(domain) = text.strip_prefix("*@").or_else(|| text.strip_prefix('@')) {
            let valid = !domain.is_empty()
                && domain.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
            if !valid {
                return Err(format!("{text:?} is not a mail domain pattern"));
            }
            return Ok(AddressPattern::Domain(domain.to_ascii_lowercase()));
        }
        CalAddress::parse(text)
            .map(AddressPattern::Exact)
            .ok_or_else(|| format!("{text:?} is not an address, @domain, group:NAME or *"))
    }

    /// Whether `address` matches. A group matches nothing here: groups
    /// are resolved by [`super::Directory::matches`].
    pub fn matches(&self, address: &CalAddress) -> bool {
        match self {
            AddressPattern::Anyone => true,
            AddressPattern::Domain(domain) => address.domain() == domain,
            AddressPattern::Group(_) => false,
            AddressPattern::Exact(exact) => exact == address,
        }
    }
}

impl fmt::Display for AddressPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressPattern::Anyone => f.write_str("*"),
            AddressPattern::Domain(domain) => write!(f, "@{domain}"),
            AddressPattern::Group(name) => write!(f, "group:{name}"),
            AddressPattern::Exact(address) => write!(f, "{address}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_and_match() {
        let bob = CalAddress::parse("Bob@Example.com").unwrap();
        assert_eq!(AddressPattern::parse("*"), Ok(AddressPattern::Anyone));
        assert!(AddressPattern::parse("*@example.com").unwrap().matches(&bob));
        assert!(AddressPattern::parse("mailto:BOB@example.com").unwrap().matches(&bob));
        assert!(!AddressPattern::parse("alice@example.com").unwrap().matches(&bob));
        assert_eq!(AddressPattern::parse("group:staff"), Ok(AddressPattern::Group("staff".into())));
        for bad in ["", "group:", "@", "@exa mple.com", "bob", "http://x"] {
            assert!(AddressPattern::parse(bad).is_err(), "{bad}");
        }
    }
}
