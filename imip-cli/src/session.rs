//! One run of `imip`: the settings with the flags laid over them, the
//! engine, the clock and IDs, and opening the store, transport and
//! mailbox they name.

use crate::args::Common;
use crate::exit::Failure;
use crate::mailbox::{DryRunMailbox, Mailbox, Maildir, PeerMailbox, ProgramMailbox};
use crate::mailer::{Mailer, Protocol};
use crate::settings::{self, DeliverySpec, SendSpec, Settings};
use crate::transport;
use imip_core::{
    CalAddress, Config, Engine, IdSource, OutgoingMail, RecordingTransport, Store, Timestamp, Transport,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Message-IDs from the wall clock, the process and a counter: unique
/// across processes.
pub(crate) struct ClockIds {
    stamp: u128,
    next: u64,
}

impl IdSource for ClockIds {
    fn next_id(&mut self) -> String {
        self.next += 1;
        format!("imip-{:x}-{}-{}", self.stamp, std::process::id(), self.next)
    }
}

/// Everything a command needs.
pub(crate) struct Session {
    /// The settings, flags applied.
    pub(crate) settings: Settings,
    /// The engine, configured from them.
    pub(crate) engine: Engine,
    /// Send and deliver nothing; print instead.
    pub(crate) dry_run: bool,
    /// The time of this run.
    pub(crate) now: Timestamp,
    /// Fresh IDs.
    pub(crate) ids: ClockIds,
    /// What a dry run would have sent.
    pub(crate) recorded: RecordingTransport,
    /// What a dry run would have delivered.
    pub(crate) dry_deliveries: DryRunMailbox,
    /// The store an agent opened, kept for the next mail by `imip serve`.
    store: Option<Box<dyn Store + Send>>,
    /// Where printed output goes instead of stdout (`imip serve`
    /// collects each mail's output for the agent that handed it over).
    pub(crate) output: Option<Vec<u8>>,
}

impl Session {
    /// Reads the configuration and applies the flags.
    pub(crate) fn start(common: &Common) -> Result<Session, Failure> {
        let mut settings =
            Settings::load(common.config.as_deref(), std::env::var_os("IMIP_CONFIG").map(PathBuf::from))?;
        apply_flags(&mut settings, common)?;
        crate::log::init(&settings);
        let mut config = Config {
            resources: settings.resources.clone(),
            sender: settings.sender.clone(),
            authserv_id: settings.authserv_id.clone(),
            relays: settings.relays.clone(),
            manager_url: settings.web.base_url.clone(),
            ..Config::default()
        };
        config.limits.max_attendees = settings.limits.max_attendees;
        config.limits.max_instances = settings.limits.max_instances;
        config.freebusy.max_occurrences = settings.limits.max_occurrences;
        let engine = Engine::new(config).map_err(|e| Failure::config(e.to_string()))?;
        let dry_run = common.dry_run || !settings.from_file;
        let clock = wall_clock();
        let now = timestamp(clock);
        Ok(Session {
            settings,
            engine,
            dry_run,
            now,
            ids: ClockIds { stamp: clock.as_nanos(), next: 0 },
            recorded: RecordingTransport::default(),
            dry_deliveries: DryRunMailbox::default(),
            store: None,
            output: None,
        })
    }

    /// The store for an agent's mail: the one kept from the last mail
    /// (`imip serve`), else the configured store, opened and created on
    /// first use. Give it back with [`Session::keep_store`] when the mail
    /// is done; a store not given back (the mail failed) is opened afresh
    /// for the next one.
    pub(crate) fn take_store(&mut self) -> Result<Box<dyn Store + Send>, Failure> {
        match self.store.take() {
            Some(store) => Ok(store),
            None => open_shared_store(&self.settings.store, &self.settings.postgres, Access::Create),
        }
    }

    /// Keeps `store` for the next mail.
    pub(crate) fn keep_store(&mut self, store: Box<dyn Store + Send>) {
        self.store = Some(store);
    }

    /// Starts the next mail of `imip serve`: its own time, nothing
    /// recorded, `dry_run` as the agent asked, output collected.
    pub(crate) fn next_mail(&mut self, dry_run: bool) {
        self.now = timestamp(wall_clock());
        self.dry_run = dry_run;
        self.recorded = RecordingTransport::default();
        self.dry_deliveries = DryRunMailbox::default();
        self.output = Some(Vec::new());
    }

    /// Prints `text` on stdout, or collects it (see `output`).
    pub(crate) fn emit(&mut self, text: &str) -> Result<(), Failure> {
        match &mut self.output {
            Some(output) => {
                output.extend_from_slice(text.as_bytes());
                Ok(())
            }
            None => crate::emit(text),
        }
    }

    /// Makes each of `addresses` a resource that accepts when free and
    /// declines when busy (imip-agent's default), for a run without
    /// configuration.
    pub(crate) fn use_default_resources(&mut self, addresses: &[CalAddress]) -> Result<(), Failure> {
        use imip_core::resource::{Directory, Policy, Resource};
        let rooms = addresses
            .iter()
            .map(|address| Resource::new(address.clone(), vec![Policy::FreeBusy { capacity: 1 }]));
        let directory = Directory::new(rooms).map_err(|e| Failure::config(e.to_string()))?;
        self.settings.resources = directory.clone();
        let config = Config { resources: directory, ..self.engine.config().clone() };
        self.engine = Engine::new(config).map_err(|e| Failure::config(e.to_string()))?;
        Ok(())
    }

    /// Opens the configured store, creating it on first use.
    pub(crate) fn open_store(&self) -> Result<Box<dyn Store>, Failure> {
        open_store(&self.settings.store, &self.settings.postgres, Access::Create)
    }

    /// Opens the configured store for a command that only reads it:
    /// exits 78 when there is no store yet.
    pub(crate) fn open_existing_store(&self) -> Result<Box<dyn Store>, Failure> {
        open_store(&self.settings.store, &self.settings.postgres, Access::Existing)
    }

    /// The transport for replies: the configured one, or none.
    pub(crate) fn transport(&self) -> Box<dyn Transport> {
        transport_for(&self.settings)
    }

    /// The configured mailbox delivery, if any.
    pub(crate) fn mailbox(&self) -> Option<Box<dyn Mailbox>> {
        Some(match self.settings.delivery.as_ref()? {
            DeliverySpec::Lmtp(endpoint) => Box::new(PeerMailbox {
                mailer: self.mailer(Protocol::Lmtp, endpoint.clone()),
                prefix: String::new(),
            }),
            DeliverySpec::Smtp(endpoint) => Box::new(PeerMailbox {
                mailer: self.mailer(Protocol::Smtp, endpoint.clone()),
                prefix: self.settings.delivery_prefix.clone(),
            }),
            DeliverySpec::Sendmail(command) => Box::new(ProgramMailbox { command: command.clone() }),
            DeliverySpec::Maildir(root) => Box::new(Maildir { root: root.clone(), counter: 0 }),
        })
    }

    fn mailer(&self, protocol: Protocol, endpoint: crate::mailer::Endpoint) -> Mailer {
        mailer_for(&self.settings, protocol, endpoint)
    }

    /// Prints what a dry run would have sent and delivered, as an mbox:
    /// replies first, then mailbox deliveries, each in the order they
    /// happened.
    pub(crate) fn print_dry_run(&mut self) -> Result<(), Failure> {
        if !self.dry_run {
            return Ok(());
        }
        let mut mails: Vec<OutgoingMail> = self.recorded.sent.clone();
        for (recipient, from, bytes) in &self.dry_deliveries.delivered {
            mails.push(OutgoingMail {
                envelope_from: CalAddress::parse(from).unwrap_or_else(|| {
                    CalAddress::parse("MAILER-DAEMON@localhost").expect("a valid address")
                }),
                recipients: vec![recipient.clone()],
                message_id: String::new(),
                bytes: bytes.clone(),
                undeliverable: None,
            });
        }
        let mbox = transport::mbox(&mails, self.now);
        self.emit(&mbox)
    }

    /// A new Message-ID for mail imip writes itself.
    pub(crate) fn message_id(&mut self, domain: &str) -> String {
        format!("{}@{domain}", self.ids.next_id())
    }

    /// `now` as an RFC 5322 date.
    pub(crate) fn rfc5322_date(&self) -> String {
        chrono::DateTime::from_timestamp(self.now.seconds(), 0)
            .unwrap_or_default()
            .format("%a, %d %b %Y %H:%M:%S +0000")
            .to_string()
    }
}

/// The time since the Unix epoch.
fn wall_clock() -> Duration {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
}

/// `clock` to the second, as a run's `now`.
fn timestamp(clock: Duration) -> Timestamp {
    Timestamp::from_seconds(i64::try_from(clock.as_secs()).unwrap_or(i64::MAX))
}

/// The transport for replies that `settings` configure, or none.
pub(crate) fn transport_for(settings: &Settings) -> Box<dyn Transport> {
    match &settings.transport {
        Some(SendSpec::Sendmail(command)) => Box::new(transport::Sendmail { command: command.clone() }),
        Some(SendSpec::Peer(protocol, endpoint)) => {
            Box::new(transport::Peer { mailer: mailer_for(settings, *protocol, endpoint.clone()) })
        }
        None => Box::new(transport::Unconfigured),
    }
}

fn mailer_for(settings: &Settings, protocol: Protocol, endpoint: crate::mailer::Endpoint) -> Mailer {
    let helo = settings.sender.as_ref().map(|s| s.domain().to_string()).unwrap_or_else(|| "localhost".into());
    let timeout = Duration::from_secs(settings.limits.peer_timeout_seconds.max(1));
    Mailer { endpoint, protocol, helo, timeout }
}

/// Lays the global flags over the settings.
fn apply_flags(settings: &mut Settings, common: &Common) -> Result<(), Failure> {
    if let Some(store) = &common.store {
        settings.set_store(store.clone()).map_err(Failure::config)?;
    }
    if let Some(sender) = &common.sender {
        settings.set_sender(sender).map_err(Failure::config)?;
    }
    if let Some(spec) = &common.transport {
        settings.transport = Some(settings::parse_send_spec(spec).map_err(Failure::config)?);
    }
    if let Some(spec) = &common.delivery {
        settings.delivery = Some(settings::parse_delivery_spec(spec).map_err(Failure::config)?);
    }
    if let Some(file) = &common.resources {
        settings.load_resources(file)?;
    }
    if let Some(level) = &common.log_level {
        settings.set_log_level(level).map_err(Failure::config)?;
    }
    if common.syslog {
        settings.log_to = settings::LogTarget::Syslog;
    }
    Ok(())
}

/// Whether the directory holding `path` cannot be written (a read-only
/// mount): creating a probe file there fails with EROFS.
fn read_only_media(path: &Path) -> bool {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let probe = dir.join(format!(".imip-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(error) => error.kind() == std::io::ErrorKind::ReadOnlyFilesystem,
    }
}

/// Whether opening a store may create it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Agents and commands that write: create the store on first use.
    Create,
    /// Read-only commands: a store that does not exist is a
    /// configuration mistake (78), never an empty store made on the spot.
    Existing,
}

/// Opens `fs:DIR`, `sqlite:PATH` or a `postgres://` URL. Errors name the
/// store without its password.
pub(crate) fn open_store(
    spec: &str,
    postgres: &imip_store_postgres::Options,
    access: Access,
) -> Result<Box<dyn Store>, Failure> {
    open_shared_store(spec, postgres, access).map(|store| store as Box<dyn Store>)
}

/// [`open_store`], as a store that can move between threads (the web
/// manager keeps a few open).
pub(crate) fn open_shared_store(
    spec: &str,
    postgres: &imip_store_postgres::Options,
    access: Access,
) -> Result<Box<dyn Store + Send>, Failure> {
    settings::check_store_spec(spec).map_err(Failure::config)?;
    let shown = imip_store_postgres::redact(spec);
    let absent = |what: &str| {
        Failure::config(format!(
            "store {shown}: {what} does not exist; an agent creates it on its first delivery, \
             or check the store setting"
        ))
    };
    if imip_store_postgres::is_postgres_url(spec) {
        let opened = match access {
            Access::Create => imip_store_postgres::PgStore::connect(spec, postgres),
            Access::Existing => imip_store_postgres::PgStore::connect_existing(spec, postgres),
        };
        return opened.map(|s| Box::new(s) as Box<dyn Store + Send>).map_err(|e| Failure::store(&shown, &e));
    }
    match spec.split_once(':') {
        Some(("sqlite", path)) => {
            if access == Access::Existing && !Path::new(path).exists() {
                return Err(absent("the database"));
            }
            match imip_store_sqlite::SqliteStore::open(path, Default::default()) {
                Ok(store) => Ok(Box::new(store) as Box<dyn Store + Send>),
                // On read-only media a command that only reads still can.
                Err(error) if access == Access::Existing && read_only_media(Path::new(path)) => {
                    tracing::debug!(%error, "the database is on read-only media; reading it as immutable");
                    imip_store_sqlite::SqliteStore::open_read_only(path)
                        .map(|s| Box::new(s) as Box<dyn Store + Send>)
                        .map_err(|e| Failure::store(spec, &e))
                }
                Err(error) => Err(Failure::store(spec, &error)),
            }
        }
        Some((_, dir)) => {
            if access == Access::Existing && !imip_store_fs::FsStore::exists(dir) {
                return Err(absent("the store directory"));
            }
            imip_store_fs::FsStore::open(dir, Default::default())
                .map(|s| Box::new(s) as Box<dyn Store + Send>)
                .map_err(|e| Failure::store(spec, &e))
        }
        None => Err(Failure::config(format!("store {shown:?}"))),
    }
}
