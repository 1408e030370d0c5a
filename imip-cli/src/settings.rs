//! The configuration file (`imip.toml`): where the store is, how mail is
//! sent, the system sender, and the resource directory.
//!
//! Looked up in this order: `--config FILE`, `$IMIP_CONFIG`,
//! `/etc/imip/imip.toml`. Without any, imip uses a store in `./imip-data`
//! and dry-run delivery, so a newcomer can try it at once.
//!
//! ```toml
//! store = "fs:/var/lib/imip"          # or "sqlite:/var/lib/imip/imip.db"
//! sender = "calendar@example.com"     # From: of mail imip writes itself
//! resources = "/etc/imip/resources.toml"
//!
//! [transport]                         # how replies are sent
//! sendmail = ["/usr/sbin/sendmail"]   # a sendmail-compatible program
//! ```

use crate::exit::Failure;
use imip_core::CalAddress;
use imip_core::resource::Directory;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Where the configuration lives when nothing else says.
pub(crate) const DEFAULT_CONFIG: &str = "/etc/imip/imip.toml";

/// The store used without configuration.
pub(crate) const DEFAULT_STORE: &str = "fs:imip-data";

/// The configuration, read and checked.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The store: `fs:DIR` or `sqlite:PATH`.
    pub(crate) store: String,
    /// The resource directory.
    pub(crate) resources: Directory,
    /// The sendmail-compatible program (and its arguments) that sends
    /// mail; `None` means mail waits in the outbox.
    pub(crate) sendmail: Option<Vec<String>>,
    /// Where the settings came from, for messages.
    pub(crate) source: String,
    /// Whether they came from a file (without one, imip runs dry).
    pub(crate) from_file: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            store: DEFAULT_STORE.into(),
            resources: Directory::default(),
            sendmail: None,
            source: "built-in defaults".into(),
            from_file: false,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    store: Option<String>,
    sender: Option<String>,
    resources: Option<PathBuf>,
    #[serde(default)]
    transport: RawTransport,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTransport {
    sendmail: Option<Vec<String>>,
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
    /// anchors a relative `resources` path).
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Settings, Failure> {
        let place = path.display().to_string();
        let raw: RawSettings = toml::from_str(text).map_err(|e| Failure::config(format!("{place}: {e}")))?;
        // Checked now; used by the person agent's summaries.
        raw.sender
            .map(|s| {
                CalAddress::parse(&s)
                    .ok_or_else(|| Failure::config(format!("{place}: sender {s:?} is not an address")))
            })
            .transpose()?;
        let resources = match raw.resources {
            None => Directory::default(),
            Some(file) => {
                let file = path.parent().map(|dir| dir.join(&file)).unwrap_or(file);
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
                Directory::from_toml(&text)
                    .map_err(|e| Failure::config(format!("{}: {e}", file.display())))?
            }
        };
        if let Some(program) = &raw.transport.sendmail
            && program.is_empty()
        {
            return Err(Failure::config(format!("{place}: transport.sendmail needs a program")));
        }
        let store = raw.store.unwrap_or_else(|| DEFAULT_STORE.into());
        check_store_spec(&store).map_err(|reason| Failure::config(format!("{place}: {reason}")))?;
        Ok(Settings { store, resources, sendmail: raw.transport.sendmail, source: place, from_file: true })
    }
}

/// Checks a store specification: `fs:DIR` or `sqlite:PATH`.
pub(crate) fn check_store_spec(spec: &str) -> Result<(), String> {
    match spec.split_once(':') {
        Some(("fs" | "sqlite", rest)) if !rest.is_empty() => Ok(()),
        _ => Err(format!("store {spec:?}: use fs:DIR or sqlite:PATH")),
    }
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
            "colour = \"blue\"",
            "sender = \"nobody\"",
            "[transport]\nsendmail = []",
        ] {
            assert_eq!(Settings::parse(bad, &path).unwrap_err().code, crate::exit::EX_CONFIG, "{bad}");
        }
    }
}
