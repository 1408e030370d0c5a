//! Connection URLs: which are PostgreSQL's, and how to show one without
//! its password.

/// Whether a store specification is a PostgreSQL URL (`postgres://` or
/// `postgresql://`, in any case).
pub fn is_postgres_url(spec: &str) -> bool {
    let lower = spec.get(..13).unwrap_or(spec).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The URL with any password replaced by `***`: in the user-info part
/// (`postgres://user:secret@host/db`) and in a `password=` query or
/// key-value parameter. For logs and error messages.
///
/// ```
/// use imip_store_postgres::redact;
/// assert_eq!(redact("postgres://imip:s3cret@db/imip"), "postgres://imip:***@db/imip");
/// assert_eq!(redact("postgresql://db/imip?password=s3cret&sslmode=require"),
///            "postgresql://db/imip?password=***&sslmode=require");
/// assert_eq!(redact("host=db password=s3cret user=imip"), "host=db password=*** user=imip");
/// ```
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..].find(['/', '?']).map_or(out.len(), |index| rest_start + index);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    redact_parameter(&out)
}

/// Replaces the value of every `password=` parameter, whether separated
/// by `&` (a URL query) or by spaces (libpq's key-value form).
fn redact_parameter(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.to_ascii_lowercase().find("password=") {
        let preceded_by_separator =
            index == 0 || matches!(rest.as_bytes()[index - 1], b'?' | b'&' | b' ' | b'\t');
        let value_start = index + "password=".len();
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        if preceded_by_separator {
            let end = rest.find(['&', ' ', '\t']).unwrap_or(rest.len());
            out.push_str("***");
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_recognised_in_any_case() {
        assert!(is_postgres_url("postgres://db/imip"));
        assert!(is_postgres_url("PostgreSQL://db/imip"));
        assert!(!is_postgres_url("postgres:db"));
        assert!(!is_postgres_url("sqlite:/var/lib/imip.db"));
        assert!(!is_postgres_url("mysql://db/imip"));
    }

    #[test]
    fn passwords_never_survive_redaction() {
        for url in [
            "postgres://imip:top%40secret@db:5432/imip",
            "postgres://imip:top:secret@db/imip",
            "postgres://db/imip?user=imip&password=topsecret",
            "postgres://db/imip?PASSWORD=topsecret",
            "dbname=imip password=topsecret",
        ] {
            let shown = redact(url);
            assert!(!shown.contains("secret"), "{url} -> {shown}");
            assert!(shown.contains("***"), "{url} -> {shown}");
        }
        assert_eq!(redact("postgres://imip@db/imip"), "postgres://imip@db/imip");
    }
}
