//! Signed tokens: HMAC-SHA256 with the site key over a purpose, some
//! fields and an expiry. Sessions, CSRF tokens, one-click answers and
//! calendar feeds are all such tokens; the purpose keeps one kind from
//! being used as another, and the fields bind it to a principal, an
//! event, an answer.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a token is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenError {
    /// Not a token of ours, or altered.
    Invalid,
    /// Past its expiry: authentic, with its fields.
    Expired(Vec<String>),
}

/// Signs and checks tokens with one site key.
#[derive(Clone)]
pub(crate) struct Signer {
    key: Vec<u8>,
}

impl Signer {
    /// A signer with `key` (at least 32 bytes: the caller checks).
    pub(crate) fn new(key: Vec<u8>) -> Signer {
        Signer { key }
    }

    fn mac(&self, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(payload);
        mac
    }

    /// A token for `purpose` naming `fields`, valid until `expires`
    /// (seconds since the epoch; `i64::MAX` for never).
    pub(crate) fn sign(&self, purpose: &str, fields: &[&str], expires: i64) -> String {
        let payload = payload(purpose, fields, expires);
        let tag = self.mac(payload.as_bytes()).finalize().into_bytes();
        format!("{}.{}", B64.encode(payload.as_bytes()), B64.encode(tag))
    }

    /// The fields of a `purpose` token, if its signature holds and it has
    /// not expired at `now`.
    pub(crate) fn verify(&self, purpose: &str, token: &str, now: i64) -> Result<Vec<String>, TokenError> {
        if token.len() > 4096 {
            return Err(TokenError::Invalid);
        }
        let (payload, tag) = token.split_once('.').ok_or(TokenError::Invalid)?;
        let payload = B64.decode(payload).map_err(|_| TokenError::Invalid)?;
        let tag = B64.decode(tag).map_err(|_| TokenError::Invalid)?;
        self.mac(&payload).verify_slice(&tag).map_err(|_| TokenError::Invalid)?;
        let text = String::from_utf8(payload).map_err(|_| TokenError::Invalid)?;
        let mut parts: Vec<&str> = text.split('\n').collect();
        if parts.first() != Some(&purpose) || parts.len() < 2 {
            return Err(TokenError::Invalid);
        }
        let expires: i64 = parts.pop().and_then(|e| e.parse().ok()).ok_or(TokenError::Invalid)?;
        let fields = parts[1..]
            .iter()
            .map(|f| B64.decode(f).ok().and_then(|b| String::from_utf8(b).ok()).ok_or(TokenError::Invalid))
            .collect::<Result<Vec<String>, TokenError>>()?;
        if now >= expires {
            return Err(TokenError::Expired(fields));
        }
        Ok(fields)
    }
}

fn payload(purpose: &str, fields: &[&str], expires: i64) -> String {
    let mut text = purpose.to_string();
    for field in fields {
        text.push('\n');
        text.push_str(&B64.encode(field.as_bytes()));
    }
    text.push('\n');
    text.push_str(&expires.to_string());
    text
}

/// Compares two strings in time independent of where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_purpose_fields_and_expiry() {
        let signer = Signer::new(vec![7; 32]);
        let token = signer.sign("rsvp", &["bob@example.com", "uid\nwith newline", "ACCEPTED"], 100);
        assert_eq!(
            signer.verify("rsvp", &token, 99),
            Ok(vec!["bob@example.com".into(), "uid\nwith newline".into(), "ACCEPTED".into()])
        );
        assert_eq!(
            signer.verify("rsvp", &token, 100),
            Err(TokenError::Expired(vec![
                "bob@example.com".into(),
                "uid\nwith newline".into(),
                "ACCEPTED".into()
            ]))
        );
        assert_eq!(signer.verify("session", &token, 99), Err(TokenError::Invalid), "another purpose");
        let other = Signer::new(vec![8; 32]);
        assert_eq!(other.verify("rsvp", &token, 99), Err(TokenError::Invalid), "another key");
        // Any change to the payload breaks the signature.
        let (payload, tag) = token.split_once('.').unwrap();
        let mut bytes = B64.decode(payload).unwrap();
        bytes[5] ^= 1;
        let tampered = format!("{}.{tag}", B64.encode(bytes));
        assert_eq!(signer.verify("rsvp", &tampered, 99), Err(TokenError::Invalid));
        assert_eq!(signer.verify("rsvp", "garbage", 99), Err(TokenError::Invalid));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
