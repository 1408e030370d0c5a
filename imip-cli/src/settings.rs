//! The configuration file (`imip.toml`) and the flags that override it.
//!
//! Looked up in this order: `--config FILE`, `$IMIP_CONFIG`,
//! `/etc/imip/imip.toml`. Without any, imip uses a store in `./imip-data`
//! and dry-run delivery, so a newcomer can try it at once.
//!
//! ```toml
//! store = "fs:/var/lib/imip"              # or "sqlite:/var/lib/imip/imip.db",
//!                                         #   or "postgres://imip@db.example.com/imip"
//! sender = "calendar@example.com"         # From: of mail imip writes itself
//! resources = "/etc/imip/resources.toml"  # the resource directory
//! transport = "sendmail:/usr/sbin/sendmail"  # replies: sendmail:PROG ARGS,
//!                                         #   smtp:HOST:PORT, lmtp:HOST:PORT|unix:PATH
//! delivery = "lmtp:unix:/run/dovecot/lmtp"   # the person agent's mailbox delivery:
//!                                         #   lmtp:…, smtp:HOST:PORT, sendmail:PROG ARGS,
//!                                         #   maildir:DIR
//! delivery_prefix = "local+"              # with smtp delivery: user@x goes to local+user@x
//! freebusy_dir = "/var/www/freebusy"      # where `imip freebusy publish` writes
//!
//! [prefs]                                 # defaults for users without their own
//! incoming = "summary-wraps-message"
//!
//! [limits]                                # what one message may contain
//! max_message_bytes = 26214400
//! max_calendar_bytes = 2097152
//! max_calendar_parts = 16
//! max_attendees = 5000
//! max_instances = 1000
//! max_line_bytes = 1048576
//! max_mime_depth = 20
//! max_occurrences = 5000                  # recurrence instances expanded per object
//! peer_timeout_seconds = 60               # each read or write to an SMTP/LMTP peer
//!
//! [postgres]                              # only with a postgres:// store
//! password_file = "/etc/imip/pgpassword"  # its first line; keeps it out of the URL
//! ca_file = "/etc/imip/db-ca.pem"         # trust a private CA for the server's certificate
//! lock_timeout_seconds = 30               # wait for another host's lock on a principal
//!
//! [security]
//! authserv_id = "mx.example.com"          # trust a From: only with DKIM or DMARC passing
//!                                         #   in this MTA's Authentication-Results
//! [[security.relay]]                      # mail from this domain may speak for
//! from = "email.icloud.com"               #   participants of that one
//! for = "imip.me.com"
//!
//! [log]
//! to = "stderr"                           # or "syslog"
//! level = "info"                          # error, warn, info, debug, trace
//! ```

use crate::exit::Failure;
use crate::mailer::{Endpoint, Protocol};
use imip_core::CalAddress;
use imip_core::imip::MailLimits;
use imip_core::resource::Directory;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the configuration lives when nothing else says.
pub(crate) const DEFAULT_CONFIG: &str = "/etc/imip/imip.toml";

/// The store used without configuration.
pub(crate) const DEFAULT_STORE: &str = "fs:imip-data";

/// How replies leave: a sendmail program, SMTP or LMTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SendSpec {
    /// A sendmail-compatible program and its fixed arguments.
    Sendmail(Vec<String>),
    /// An SMTP or LMTP peer.
    Peer(Protocol, Endpoint),
}

/// How the person agent puts mail in a user's mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeliverySpec {
    /// An LMTP peer (Dovecot, Cyrus).
    Lmtp(Endpoint),
    /// Back into the MTA by SMTP, to the prefixed local address.
    Smtp(Endpoint),
    /// A local delivery program (`{recipient}` in its arguments is
    /// replaced, otherwise the recipient is appended).
    Sendmail(Vec<String>),
    /// A maildir per user under this directory.
    Maildir(PathBuf),
}

/// Where logs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogTarget {
    /// Standard error.
    Stderr,
    /// The local syslog socket (`/dev/log`).
    Syslog,
}

/// The configuration, read and checked.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The store: `fs:DIR`, `sqlite:PATH` or a `postgres://` URL.
    pub(crate) store: String,
    /// How to connect to a PostgreSQL store.
    pub(crate) postgres: imip_store_postgres::Options,
    /// Trust a From: only when Authentication-Results from this MTA
    /// shows DKIM or DMARC passing for its domain.
    pub(crate) authserv_id: Option<String>,
    /// Domains whose mail may speak for participants of other domains.
    pub(crate) relays: Vec<imip_core::Relay>,
    /// The system sender (summaries, notices to owners).
    pub(crate) sender: Option<CalAddress>,
    /// The resource directory.
    pub(crate) resources: Directory,
    /// How replies are sent; `None` means mail waits in the outbox.
    pub(crate) transport: Option<SendSpec>,
    /// How the person agent delivers to mailboxes; `None` prints nothing
    /// and delivers nothing (the agent then only processes).
    pub(crate) delivery: Option<DeliverySpec>,
    /// With SMTP delivery, the prefix that routes to the local mailbox.
    pub(crate) delivery_prefix: String,
    /// Where `imip freebusy publish` writes.
    pub(crate) freebusy_dir: Option<PathBuf>,
    /// Default preferences.
    pub(crate) prefs: BTreeMap<String, String>,
    /// Size limits.
    pub(crate) limits: LimitSettings,
    /// Where logs go.
    pub(crate) log_to: LogTarget,
    /// The log level.
    pub(crate) log_level: String,
    /// Where the settings came from, for messages.
    pub(crate) source: String,
    /// The files these settings were read from (the configuration, the
    /// resource directory), for `imip serve` to notice when they change.
    pub(crate) files: Vec<PathBuf>,
    /// Whether they came from a file (without one, imip runs dry).
    pub(crate) from_file: bool,
    /// The web manager (`imip web`).
    pub(crate) web: WebSettings,
}

/// How people sign in to the web manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WebAuth {
    /// imip's own login page, against a users file of argon2 hashes.
    Login {
        /// `ADDRESS:$argon2id$…` per line.
        users_file: PathBuf,
    },
    /// A reverse proxy authenticates and names the user in a header,
    /// believed only from these addresses.
    Proxy {
        /// The header (`X-Remote-User`).
        header: String,
        /// The proxies' addresses.
        from: Vec<std::net::IpAddr>,
    },
}

/// The `[web]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebSettings {
    /// Where to listen.
    pub(crate) listen: String,
    /// The address people reach it at, for links in mail
    /// (`https://calendar.example.com/`); `None` leaves links out.
    pub(crate) base_url: Option<String>,
    /// The file holding the site key that signs sessions and links
    /// (created with a random key when missing).
    pub(crate) key_file: PathBuf,
    /// How people sign in.
    pub(crate) auth: WebAuth,
    /// Mark cookies Secure (behind TLS).
    pub(crate) secure_cookies: bool,
    /// How long a sign-in lasts, in seconds.
    pub(crate) session_seconds: i64,
    /// How long a one-click answer link in mail stays valid, in seconds.
    pub(crate) link_seconds: i64,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            listen: "127.0.0.1:8080".into(),
            base_url: None,
            key_file: PathBuf::from("imip-web.key"),
            auth: WebAuth::Login { users_file: PathBuf::from("imip-users") },
            secure_cookies: false,
            session_seconds: 12 * 3600,
            link_seconds: 30 * 86_400,
        }
    }
}

/// What one message may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct LimitSettings {
    /// Largest message examined, in bytes (larger ones are delivered
    /// unchanged).
    pub(crate) max_message_bytes: usize,
    /// Largest calendar part, in bytes.
    pub(crate) max_calendar_bytes: usize,
    /// Most calendar parts examined in one message.
    pub(crate) max_calendar_parts: usize,
    /// Most attendees in one object.
    pub(crate) max_attendees: usize,
    /// Most instances (master and overrides) in one object.
    pub(crate) max_instances: usize,
    /// Longest physical line of a message, in bytes.
    pub(crate) max_line_bytes: usize,
    /// Deepest nesting of multipart bodies.
    pub(crate) max_mime_depth: usize,
    /// Most recurrence instances expanded per object (free/busy and
    /// resource checks; the rest of a longer series is not counted).
    pub(crate) max_occurrences: usize,
    /// How long one connect, read or write to an SMTP or LMTP peer may
    /// take before the peer counts as unreachable (a temporary fault).
    pub(crate) peer_timeout_seconds: u64,
}

impl Default for LimitSettings {
    fn default() -> Self {
        let mail = MailLimits::default();
        let engine = imip_core::Limits::default();
        LimitSettings {
            max_message_bytes: mail.max_mail_bytes,
            max_calendar_bytes: mail.max_calendar_bytes,
            max_calendar_parts: mail.max_parts,
            max_attendees: engine.max_attendees,
            max_instances: engine.max_instances,
            max_line_bytes: mail.max_line_bytes,
            max_mime_depth: mail.max_mime_depth,
            max_occurrences: imip_core::freebusy::FreeBusyConfig::default().max_occurrences,
            peer_timeout_seconds: 60,
        }
    }
}

impl LimitSettings {
    /// The MIME limits.
    pub(crate) fn mail(&self) -> MailLimits {
        MailLimits {
            max_mail_bytes: self.max_message_bytes,
            max_calendar_bytes: self.max_calendar_bytes,
            max_parts: self.max_calendar_parts,
            max_line_bytes: self.max_line_bytes,
            max_mime_depth: self.max_mime_depth,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            store: DEFAULT_STORE.into(),
            postgres: imip_store_postgres::Options::default(),
            authserv_id: None,
            relays: Vec::new(),
            sender: None,
            resources: Directory::default(),
            transport: None,
            delivery: None,
            delivery_prefix: String::new(),
            freebusy_dir: None,
            prefs: BTreeMap::new(),
            limits: LimitSettings::default(),
            log_to: LogTarget::Stderr,
            log_level: "info".into(),
            source: "built-in defaults".into(),
            files: Vec::new(),
            from_file: false,
            web: WebSettings::default(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    store: Option<String>,
    sender: Option<String>,
    resources: Option<PathBuf>,
    transport: Option<String>,
    delivery: Option<String>,
    delivery_prefix: Option<String>,
    freebusy_dir: Option<PathBuf>,
    #[serde(default)]
    prefs: BTreeMap<String, String>,
    #[serde(default)]
    limits: LimitSettings,
    #[serde(default)]
    log: RawLog,
    #[serde(default)]
    postgres: RawPostgres,
    #[serde(default)]
    security: RawSecurity,
    web: Option<RawWeb>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWeb {
    listen: Option<String>,
    base_url: Option<String>,
    key_file: Option<PathBuf>,
    auth: Option<String>,
    users_file: Option<PathBuf>,
    proxy_header: Option<String>,
    #[serde(default)]
    proxy_addresses: Vec<String>,
    secure_cookies: Option<bool>,
    session_hours: Option<u32>,
    link_days: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSecurity {
    authserv_id: Option<String>,
    #[serde(default)]
    relay: Vec<RawRelay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelay {
    from: String,
    #[serde(rename = "for")]
    for_domain: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPostgres {
    password_file: Option<PathBuf>,
    ca_file: Option<PathBuf>,
    lock_timeout_seconds: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLog {
    to: Option<String>,
    level: Option<String>,
}

impl Settings {
    /// Finds and reads the configuration: `explicit`, else
    /// `$IMIP_CONFIG`, else [`DEFAULT_CONFIG`] if it exists, else the
    /// defaults. A file named explicitly must exist.
    pub(crate) fn load(explicit: Option<&Path>, from_env: Option<PathBuf>) -> Result<Settings, Failure> {
        let named = explicit.map(Path::to_path_buf).or(from_env);
        let path = match named {
            Some(path) => path,
            None if Path::new(DEFAULT_CONFIG).exists() => PathBuf::from(DEFAULT_CONFIG),
            None => return Ok(Settings::default()),
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::config(format!("{}: {e}", path.display())))?;
        Settings::parse(&text, &path)
    }

    /// Reads a configuration file's text (`path` names it in errors and
    /// anchors relative paths).
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Settings, Failure> {
        let place = path.display().to_string();
        let at = |reason: String| Failure::config(format!("{place}: {reason}"));
        let raw: RawSettings = toml::from_str(text).map_err(|e| at(e.to_string()))?;
        let relative = |file: PathBuf| path.parent().map(|dir| dir.join(&file)).unwrap_or(file);
        let mut settings = Settings {
            source: place.clone(),
            from_file: true,
            files: vec![path.to_path_buf()],
            ..Settings::default()
        };
        if let Some(store) = raw.store {
            settings.set_store(store).map_err(at)?;
        }
        if let Some(sender) = raw.sender {
            settings.set_sender(&sender).map_err(at)?;
        }
        if let Some(file) = raw.resources {
            settings.load_resources(&relative(file))?;
        }
        if let Some(spec) = raw.transport {
            settings.transport = Some(parse_send_spec(&spec).map_err(at)?);
        }
        if let Some(spec) = raw.delivery {
            settings.delivery = Some(parse_delivery_spec(&spec).map_err(at)?);
        }
        settings.delivery_prefix = raw.delivery_prefix.unwrap_or_default();
        if let Some(web) = raw.web {
            settings.web = web_settings(web, &relative).map_err(at)?;
        }
        settings.freebusy_dir = raw.freebusy_dir.map(relative);
        if let Some(id) = raw.security.authserv_id {
            if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == ';') {
                return Err(at(format!("security.authserv_id {id:?}: use the host name your MTA writes")));
            }
            settings.authserv_id = Some(id);
        }
        for relay in raw.security.relay {
            let domain = |d: &str| !d.is_empty() && d.contains('.') && !d.contains(['@', ' ', '/']);
            if !domain(&relay.from) || !domain(&relay.for_domain) {
                return Err(at(format!(
                    "security.relay {:?} for {:?}: give two domain names",
                    relay.from, relay.for_domain
                )));
            }
            settings.relays.push(imip_core::Relay {
                from_domain: relay.from.to_ascii_lowercase(),
                for_domain: relay.for_domain.to_ascii_lowercase(),
            });
        }
        if !settings.relays.is_empty() && settings.authserv_id.is_none() {
            return Err(at("security.relay needs security.authserv_id: a relay is trusted only when \
                           its mail is authenticated"
                .to_string()));
        }
        settings.postgres.password_file = raw.postgres.password_file.map(&relative);
        settings.postgres.ca_file = raw.postgres.ca_file.map(&relative);
        if let Some(seconds) = raw.postgres.lock_timeout_seconds {
            settings.postgres.lock_timeout = std::time::Duration::from_secs(seconds);
        }
        let mut prefs = BTreeMap::new();
        for (key, value) in raw.prefs {
            let (key, value) =
                imip_core::prefs::check(&key, &value).map_err(|e| at(format!("prefs: {e}")))?;
            prefs.insert(key.name().to_string(), value);
        }
        settings.prefs = prefs;
        settings.limits = raw.limits;
        if let Some(to) = raw.log.to {
            settings.log_to = match to.as_str() {
                "stderr" => LogTarget::Stderr,
                "syslog" => LogTarget::Syslog,
                other => return Err(at(format!("log.to {other:?}: use stderr or syslog"))),
            };
        }
        if let Some(level) = raw.log.level {
            settings.set_log_level(&level).map_err(at)?;
        }
        Ok(settings)
    }

    /// Sets the store specification, checked.
    pub(crate) fn set_store(&mut self, spec: String) -> Result<(), String> {
        check_store_spec(&spec)?;
        self.store = spec;
        Ok(())
    }

    /// Sets the system sender, checked.
    pub(crate) fn set_sender(&mut self, sender: &str) -> Result<(), String> {
        self.sender =
            Some(CalAddress::parse(sender).ok_or_else(|| format!("sender {sender:?} is not an address"))?);
        Ok(())
    }

    /// Reads the resource directory from a file.
    pub(crate) fn load_resources(&mut self, file: &Path) -> Result<(), Failure> {
        let text =
            std::fs::read_to_string(file).map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
        self.resources =
            Directory::from_toml(&text).map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
        self.files.push(file.to_path_buf());
        Ok(())
    }

    /// Sets the log level, checked.
    pub(crate) fn set_log_level(&mut self, level: &str) -> Result<(), String> {
        match level {
            "error" | "warn" | "info" | "debug" | "trace" => {
                self.log_level = level.to_string();
                Ok(())
            }
            other => Err(format!("log level {other:?}: use error, warn, info, debug or trace")),
        }
    }

    /// A user's preference: their own, else the configured default.
    pub(crate) fn pref<'a>(&'a self, own: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
        own.get(key).or_else(|| self.prefs.get(key)).map(String::as_str)
    }
}

/// Checks a store specification: `fs:DIR`, `sqlite:PATH`, or a
/// `postgres://` (or `postgresql://`) URL.
pub(crate) fn check_store_spec(spec: &str) -> Result<(), String> {
    if imip_store_postgres::is_postgres_url(spec) {
        return Ok(());
    }
    match spec.split_once(':') {
        Some(("fs" | "sqlite", rest)) if !rest.is_empty() => Ok(()),
        _ => Err(format!(
            "store {:?}: use fs:DIR, sqlite:PATH or postgres://USER@HOST/DATABASE",
            imip_store_postgres::redact(spec)
        )),
    }
}

/// Reads `sendmail:PROG ARGS`, `smtp:HOST:PORT` or `lmtp:ENDPOINT`.
pub(crate) fn parse_send_spec(spec: &str) -> Result<SendSpec, String> {
    let bad =
        || format!("transport {spec:?}: use sendmail:PROGRAM, smtp:HOST:PORT or lmtp:HOST:PORT|unix:PATH");
    match spec.split_once(':') {
        Some(("sendmail", program)) => Ok(SendSpec::Sendmail(program_words(program).ok_or_else(bad)?)),
        Some(("smtp", endpoint)) => Ok(SendSpec::Peer(Protocol::Smtp, Endpoint::parse(endpoint)?)),
        Some(("lmtp", endpoint)) => Ok(SendSpec::Peer(Protocol::Lmtp, Endpoint::parse(endpoint)?)),
        _ => Err(bad()),
    }
}

/// Reads `lmtp:ENDPOINT`, `smtp:HOST:PORT`, `sendmail:PROG ARGS` or
/// `maildir:DIR`.
pub(crate) fn parse_delivery_spec(spec: &str) -> Result<DeliverySpec, String> {
    let bad = || {
        format!(
            "delivery {spec:?}: use lmtp:HOST:PORT|unix:PATH, smtp:HOST:PORT, sendmail:PROGRAM or maildir:DIR"
        )
    };
    match spec.split_once(':') {
        Some(("lmtp", endpoint)) => Ok(DeliverySpec::Lmtp(Endpoint::parse(endpoint)?)),
        Some(("smtp", endpoint)) => Ok(DeliverySpec::Smtp(Endpoint::parse(endpoint)?)),
        Some(("sendmail", program)) => Ok(DeliverySpec::Sendmail(program_words(program).ok_or_else(bad)?)),
        Some(("maildir", dir)) if !dir.is_empty() => Ok(DeliverySpec::Maildir(PathBuf::from(dir))),
        _ => Err(bad()),
    }
}

fn program_words(text: &str) -> Option<Vec<String>> {
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    (!words.is_empty()).then_some(words)
}

/// Reads `[web]`: relative files are beside the configuration.
fn web_settings(raw: RawWeb, relative: &dyn Fn(PathBuf) -> PathBuf) -> Result<WebSettings, String> {
    let mut web = WebSettings::default();
    if let Some(listen) = raw.listen {
        listen
            .parse::<std::net::SocketAddr>()
            .map_err(|_| format!("web.listen {listen:?}: give ADDRESS:PORT"))?;
        web.listen = listen;
    }
    if let Some(url) = raw.base_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
            return Err(format!("web.base_url {url:?}: give an http:// or https:// address"));
        }
        web.secure_cookies = url.starts_with("https://");
        web.base_url = Some(if url.ends_with('/') { url } else { format!("{url}/") });
    }
    web.key_file = relative(raw.key_file.unwrap_or_else(|| web.key_file.clone()));
    web.auth = match raw.auth.as_deref().unwrap_or("login") {
        "login" => {
            WebAuth::Login { users_file: relative(raw.users_file.unwrap_or_else(|| "imip-users".into())) }
        }
        "proxy" => {
            let header = raw.proxy_header.unwrap_or_else(|| "X-Remote-User".into());
            if header.is_empty() || !header.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!("web.proxy_header {header:?}: give a header name"));
            }
            let from = raw
                .proxy_addresses
                .iter()
                .map(|a| a.parse().map_err(|_| format!("web.proxy_addresses: {a:?} is not an IP address")))
                .collect::<Result<Vec<std::net::IpAddr>, String>>()?;
            if from.is_empty() {
                return Err("web.proxy_addresses: name the proxy's addresses (say [\"127.0.0.1\"])".into());
            }
            WebAuth::Proxy { header, from }
        }
        other => return Err(format!("web.auth {other:?}: give \"login\" or \"proxy\"")),
    };
    if let Some(secure) = raw.secure_cookies {
        web.secure_cookies = secure;
    }
    if let Some(hours) = raw.session_hours {
        web.session_seconds = i64::from(hours.clamp(1, 24 * 30)) * 3600;
    }
    if let Some(days) = raw.link_days {
        web.link_seconds = i64::from(days.clamp(1, 365)) * 86_400;
    }
    Ok(web)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_reads_and_checks_its_resources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("resources.toml"),
            "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n",
        )
        .unwrap();
        let path = dir.path().join("imip.toml");
        let text = "store = \"sqlite:/tmp/x.db\"\nsender = \"calendar@example.com\"\nresources = \"resources.toml\"\n";
        let settings = Settings::parse(text, &path).unwrap();
        assert_eq!(settings.store, "sqlite:/tmp/x.db");
        assert!(settings.resources.resource(&CalAddress::parse("room@example.com").unwrap()).is_some());

        std::fs::write(
            dir.path().join("resources.toml"),
            "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"yes\"\n",
        )
        .unwrap();
        let error = Settings::parse(text, &path).unwrap_err();
        assert_eq!(error.code, crate::exit::EX_CONFIG);
        for bad in [
            "store = \"postgres:x\"",
            "[[security.relay]]\nfrom = \"email.icloud.com\"\nfor = \"imip.me.com\"",
            "[security]\nauthserv_id = \"mx.example.com\"\n[[security.relay]]\nfrom = \"icloud\"\nfor = \"imip.me.com\"",
            "[security]\nauthserv_id = \"two words\"",
            "colour = \"blue\"",
            "sender = \"nobody\"",
            "transport = \"sendmail:\"",
            "transport = \"carrier-pigeon:x\"",
            "delivery = \"lmtp:nowhere\"",
            "[prefs]\n\"../x\" = \"1\"",
            "[prefs]\nincoming = \"summary\"",
            "[prefs]\nTZID = \"Atlantis\"",
            "[limits]\nmax_message_byte = 3",
            "[log]\nto = \"file\"",
            "[log]\nlevel = \"loud\"",
        ] {
            assert_eq!(Settings::parse(bad, &path).unwrap_err().code, crate::exit::EX_CONFIG, "{bad}");
        }
    }

    #[test]
    fn transports_and_deliveries_parse() {
        assert_eq!(
            parse_send_spec("sendmail:/usr/sbin/sendmail -oi"),
            Ok(SendSpec::Sendmail(vec!["/usr/sbin/sendmail".into(), "-oi".into()]))
        );
        assert_eq!(
            parse_send_spec("smtp:127.0.0.1:25"),
            Ok(SendSpec::Peer(Protocol::Smtp, Endpoint::Tcp("127.0.0.1:25".into())))
        );
        assert_eq!(
            parse_delivery_spec("lmtp:unix:/run/dovecot/lmtp"),
            Ok(DeliverySpec::Lmtp(Endpoint::Unix("/run/dovecot/lmtp".into())))
        );
        assert_eq!(parse_delivery_spec("maildir:/srv/mail"), Ok(DeliverySpec::Maildir("/srv/mail".into())));
        assert!(parse_delivery_spec("maildir:").is_err());
    }

    #[test]
    fn defaults_come_from_the_prefs_table() {
        let settings =
            Settings::parse("[prefs]\nincoming = \"summary-only\"\n", Path::new("/etc/imip/imip.toml"))
                .unwrap();
        let mut own = BTreeMap::new();
        assert_eq!(settings.pref(&own, "incoming"), Some("summary-only"));
        own.insert("incoming".to_string(), "message-only".to_string());
        assert_eq!(settings.pref(&own, "incoming"), Some("message-only"));
    }
}
