//! Engine configuration: policies an administrator chooses.

use thiserror::Error;

/// How the organizer's agent treats a REPLY from someone it did not
/// invite: a forwarded invitation's "party crasher" (RFC 5546 §3.2.3,
/// ITIP-FWD-3, ITIP-ATT-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UninvitedReplies {
    /// Refuse the reply.
    Refuse,
    /// Keep it in the organizer's queue for a decision (the default).
    #[default]
    Hold,
    /// Add the sender as an attendee with their PARTSTAT.
    Accept,
}

/// Whether an attendee's agent honours a REQUEST naming a new organizer
/// (RFC 5546 §3.2.2.4; §6.1.3 asks agents to alert the user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrganizerReplacement {
    /// Never: keep the stored organizer.
    Never,
    /// Only when the new organizer was an attendee (the default, as in
    /// RFC 5546 §4.2.11 where attendee B takes over).
    #[default]
    ByAttendee,
    /// From anyone, provided they send it themselves.
    Any,
}

/// Bounds on what input may make the engine do (RFC 5546 §6.1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Components (instances) per object.
    pub max_instances: usize,
    /// ATTENDEE properties per component.
    pub max_attendees: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_instances: 1_000, max_attendees: 5_000 }
    }
}

/// Engine configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// PRODID of generated objects (RFC 5545 §3.7.3).
    pub prodid: String,
    /// Check the mail's sender against ORGANIZER, ATTENDEE and SENT-BY
    /// (RFC 6047 §3). Turn off only when the caller authenticated the
    /// message by other means.
    pub verify_senders: bool,
    /// REPLYs from uninvited senders.
    pub uninvited_replies: UninvitedReplies,
    /// REQUESTs naming a new organizer.
    pub organizer_replacement: OrganizerReplacement,
    /// Properties whose change, besides the RFC 5546 §2.1.4 list, makes
    /// the organizer bump SEQUENCE (ITIP-SEQ-2). Default: LOCATION.
    pub extra_sequence_properties: Vec<String>,
    /// Input bounds.
    pub limits: Limits,
    /// Free/busy horizon and expansion bounds.
    pub freebusy: crate::freebusy::FreeBusyConfig,
    /// Whether principals without a [`crate::freebusy::SHARING_PREF`]
    /// answer VFREEBUSY requests: false for people (the default), true
    /// for resources. Resources of [`Config::resources`] always share by
    /// default.
    pub share_freebusy_by_default: bool,
    /// The resources this engine books for, with their policies
    /// ([`crate::resource`]). Empty by default.
    pub resources: crate::resource::Directory,
    /// The From: of mail the agent writes itself (a resource's notices to
    /// its owner). `None`: the resource's own address.
    pub sender: Option<crate::CalAddress>,
    /// The web manager's address (`https://calendar.example.com/`), when
    /// there is one: owner notices link to the booking's page there.
    pub manager_url: Option<String>,
    /// Trust a mail's `From:` only when an `Authentication-Results`
    /// header from the MTA with this authserv-id shows DKIM or DMARC
    /// passing for its domain ([`crate::imip::auth`], RFC 8601). `None`
    /// (the default): the headers are taken as they are.
    pub authserv_id: Option<String>,
    /// Hosts that send for others' addresses: a mail from the relay's
    /// domain may speak for a participant of the domain it serves (iCloud
    /// sends from `…@email.icloud.com` for `…@imip.me.com` tokens). Only
    /// honoured with [`Config::authserv_id`] set, so that the relay's
    /// address is authenticated; none by default.
    pub relays: Vec<Relay>,
}

/// A domain whose mail may speak for participants of another domain
/// ([`Config::relays`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    /// The sending domain, e.g. `email.icloud.com`.
    pub from_domain: String,
    /// The domain of the participants it sends for, e.g. `imip.me.com`.
    pub for_domain: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            prodid: "-//imip//imip-core//EN".to_string(),
            verify_senders: true,
            uninvited_replies: UninvitedReplies::default(),
            organizer_replacement: OrganizerReplacement::default(),
            extra_sequence_properties: vec!["LOCATION".to_string()],
            limits: Limits::default(),
            freebusy: crate::freebusy::FreeBusyConfig::default(),
            share_freebusy_by_default: false,
            resources: crate::resource::Directory::default(),
            sender: None,
            manager_url: None,
            authserv_id: None,
            relays: Vec::new(),
        }
    }
}

/// A configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// PRODID is empty (RFC 5545 §3.7.3 requires one).
    #[error("PRODID must not be empty (RFC 5545 §3.7.3)")]
    EmptyProdid,
    /// A limit is zero.
    #[error("limit {0} must be at least 1")]
    ZeroLimit(&'static str),
}

impl Config {
    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.prodid.trim().is_empty() {
            return Err(ConfigError::EmptyProdid);
        }
        if self.limits.max_instances == 0 {
            return Err(ConfigError::ZeroLimit("max_instances"));
        }
        if self.limits.max_attendees == 0 {
            return Err(ConfigError::ZeroLimit("max_attendees"));
        }
        let freebusy = &self.freebusy;
        for (name, value) in [
            ("freebusy.window_days", freebusy.window_days as usize),
            ("freebusy.max_occurrences", freebusy.max_occurrences),
            ("freebusy.max_scan", freebusy.max_scan),
        ] {
            if value == 0 {
                return Err(ConfigError::ZeroLimit(name));
            }
        }
        Ok(())
    }
}
