//! Trusting a `From:` only when the receiving MTA authenticated it
//! (RFC 8601 `Authentication-Results`).
//!
//! Header addresses can be forged; the sender check of RFC 6047 §3 is
//! only as good as the `From:` it reads. A site whose MTA verifies DKIM
//! (RFC 6376) or DMARC (RFC 7489) and records the result can make imip
//! trust a sender only when a result from its own MTA, named by its
//! authserv-id, shows a pass for the sender's domain:
//!
//! * `dmarc=pass` with `header.from` equal to the sender's domain, or
//! * `dkim=pass` with `header.d` (or the domain of `header.i`) equal to
//!   the sender's domain or a parent of it (relaxed alignment, RFC 7489
//!   §3.1.1).
//!
//! Results under any other authserv-id are ignored: anyone can write an
//! `Authentication-Results` header, and RFC 8601 §5 has the MTA remove
//! the ones claiming its own id from incoming mail.

use crate::CalAddress;

/// What the check decided about one sender, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderVerdict {
    /// The sender.
    pub sender: CalAddress,
    /// The result that vouched for it (`dmarc=pass header.from=…`), or
    /// `None` when none did.
    pub passed_by: Option<String>,
}

impl std::fmt::Display for SenderVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.passed_by {
            Some(result) => write!(f, "{} authenticated ({result})", self.sender),
            None => write!(f, "{} not authenticated (no DKIM or DMARC pass for its domain)", self.sender),
        }
    }
}

/// One method's result, as the MTA wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MethodResult {
    method: String,
    result: String,
    properties: Vec<(String, String)>,
}

/// Judges each sender against the `Authentication-Results` header values
/// of a mail, counting only those from `authserv_id`.
///
/// ```
/// use imip_core::imip::auth::verify_senders;
/// use imip_core::CalAddress;
/// let results = vec!["mx.example.net; dkim=pass header.d=example.com header.s=s1".to_string()];
/// let alice = CalAddress::parse("alice@example.com").unwrap();
/// let verdicts = verify_senders(&results, "mx.example.net", &[alice]);
/// assert!(verdicts[0].passed_by.is_some());
/// let forged = vec!["evil.example; dkim=pass header.d=example.com".to_string()];
/// let alice = CalAddress::parse("alice@example.com").unwrap();
/// assert!(verify_senders(&forged, "mx.example.net", &[alice])[0].passed_by.is_none());
/// ```
pub fn verify_senders(results: &[String], authserv_id: &str, senders: &[CalAddress]) -> Vec<SenderVerdict> {
    let passes: Vec<MethodResult> = results
        .iter()
        .filter_map(|value| parse(value))
        .filter(|(id, _)| id.eq_ignore_ascii_case(authserv_id))
        .flat_map(|(_, methods)| methods)
        .filter(|m| m.result == "pass")
        .collect();
    senders
        .iter()
        .map(|sender| {
            let domain = sender.domain().to_ascii_lowercase();
            let passed_by = passes.iter().find_map(|m| {
                let vouched = match m.method.as_str() {
                    "dmarc" => property(m, "header.from").is_some_and(|d| d == domain),
                    "dkim" => property(m, "header.d")
                        .or_else(|| {
                            property(m, "header.i").and_then(|i| i.rsplit('@').next().map(str::to_string))
                        })
                        .is_some_and(|d| domain == d || domain.ends_with(&format!(".{d}"))),
                    _ => false,
                };
                vouched.then(|| {
                    let shown: Vec<String> = m.properties.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("{}=pass {} from {authserv_id}", m.method, shown.join(" "))
                })
            });
            SenderVerdict { sender: sender.clone(), passed_by }
        })
        .collect()
}

fn property(result: &MethodResult, name: &str) -> Option<String> {
    result
        .properties
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim_matches('"').to_ascii_lowercase())
}

/// Parses one header value: the authserv-id and the method results
/// (RFC 8601 §2.2). Comments are dropped; `None` for a value without an
/// authserv-id.
fn parse(value: &str) -> Option<(String, Vec<MethodResult>)> {
    let text = without_comments(value);
    let mut clauses = text.split(';');
    let id = clauses.next()?.split_whitespace().next()?.to_string();
    let mut methods = Vec::new();
    for clause in clauses {
        let mut words = clause.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else { continue };
        let method = method.split('/').next().unwrap_or(method).to_ascii_lowercase();
        let mut properties = Vec::new();
        for word in words {
            if let Some((key, value)) = word.split_once('=')
                && key.contains('.')
            {
                properties.push((key.to_ascii_lowercase(), value.to_string()));
            }
        }
        methods.push(MethodResult { method, result: result.to_ascii_lowercase(), properties });
    }
    Some((id, methods))
}

/// The value without its (possibly nested) comments (RFC 5322 §3.2.2),
/// which may hold anything, `;` included.
fn without_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in value.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(results: &[&str], sender: &str) -> Option<String> {
        let results: Vec<String> = results.iter().map(|s| s.to_string()).collect();
        let sender = CalAddress::parse(sender).expect("address");
        verify_senders(&results, "mx.example.net", &[sender]).remove(0).passed_by
    }

    #[test]
    fn a_pass_from_our_mta_for_the_senders_domain_vouches() {
        let opendmarc = "mx.example.net; dmarc=pass (p=reject dis=none) header.from=example.com";
        assert!(judge(&[opendmarc], "alice@example.com").is_some());
        let opendkim = "mx.example.net;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=example.com header.i=@example.com header.a=rsa-sha256 header.s=s1 header.b=abc";
        assert!(judge(&[opendkim], "alice@example.com").is_some());
        assert!(judge(&[opendkim], "alice@lists.example.com").is_some(), "relaxed alignment");
        let with_version = "MX.Example.NET 1; dkim=pass header.i=@example.com";
        assert!(judge(&[with_version], "alice@example.com").is_some());
    }

    #[test]
    fn anything_else_does_not() {
        for (results, sender) in [
            (vec!["mx.example.net; dkim=fail header.d=example.com"], "alice@example.com"),
            (vec!["mx.example.net; dkim=pass header.d=example.org"], "alice@example.com"),
            (vec!["mx.example.net; dkim=pass header.d=ample.com"], "alice@example.com"),
            (vec!["mx.example.net; dmarc=pass header.from=example.com"], "alice@sub.example.com"),
            (vec!["evil.example.org; dkim=pass header.d=example.com"], "alice@example.com"),
            (vec!["mx.example.net; spf=pass smtp.mailfrom=example.com"], "alice@example.com"),
            (vec!["mx.example.net; none"], "alice@example.com"),
            (
                vec!["mx.example.net (dkim=pass header.d=example.com); dkim=neutral header.d=example.com"],
                "alice@example.com",
            ),
            (vec![], "alice@example.com"),
        ] {
            assert_eq!(judge(&results, sender), None, "{results:?} for {sender}");
        }
    }
}
