//! The resource directory: resources, their policy chains, and the
//! groups, quotas and pools they share, read from TOML and checked
//! completely when loaded (an unknown policy or a bad argument is an
//! error, never a silent "accept everything").

mod reader;

use super::pattern::AddressPattern;
use super::permitted::PermittedTimes;
use crate::CalAddress;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;
use thiserror::Error;

/// Every resource an agent books for, and what they share. Empty by
/// default (no principal is a resource). See the [module
/// documentation](crate::resource) for the TOML format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    groups: BTreeMap<String, Vec<AddressPattern>>,
    quotas: BTreeMap<String, Quota>,
    pools: BTreeMap<String, Pool>,
    resources: BTreeMap<CalAddress, Resource>,
}

/// One resource: a room, a car, a projector, or a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Its calendar address.
    pub address: CalAddress,
    /// Who approves held requests and hears about decisions, if anyone.
    pub owner: Option<CalAddress>,
    /// How long a counter-proposed slot stays reserved for the organizer;
    /// `None`: offers are not held.
    pub offer_hold: Option<Duration>,
    /// The policy chain, evaluated in order.
    pub policies: Vec<Policy>,
}

/// One policy of a chain (see [`crate::resource`] for each one's rules).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Policy {
    /// Accept if every instance fits under `capacity` concurrent
    /// bookings; otherwise decline (conflicting instances of a series
    /// one by one, within the tolerance of a `recurring` policy).
    FreeBusy {
        /// Concurrent bookings allowed.
        capacity: u32,
    },
    /// As `FreeBusy`, but when busy, counter-propose the first slot that
    /// fits the resource and the known free/busy of the other attendees,
    /// within `search` after the requested start.
    NextAvailable {
        /// Concurrent bookings allowed.
        capacity: u32,
        /// How far to search.
        search: Duration,
    },
    /// Starts and ends must fall on permitted times; otherwise counter
    /// with the corrected times, or decline.
    PermittedTimes {
        /// The permitted times.
        times: PermittedTimes,
        /// Counter-propose the correction (true) or decline (false).
        counter: bool,
    },
    /// Access control by organizer or attendee: the last matching rule
    /// wins, `default` otherwise.
    Acl {
        /// Accept when no rule matches.
        default_accept: bool,
        /// The rules, in order.
        rules: Vec<AclRule>,
    },
    /// Only organizers of the resource's own mail domain.
    SameDomain,
    /// Booked time per organizer (or group) under a quota.
    Quota {
        /// The quota's name.
        name: String,
    },
    /// One organizer may not hold two resources of a quota at once.
    AcrossQuota {
        /// The quota's name.
        name: String,
    },
    /// When busy, delegate to a free member of a pool (RFC 5546 §2.1.2).
    /// With `include_self: false` (a collection), always delegate.
    Delegate {
        /// The pool's name.
        pool: String,
        /// How to choose among free members.
        strategy: Strategy,
        /// Whether this resource may take the booking itself.
        include_self: bool,
        /// Concurrent bookings allowed on this resource.
        capacity: u32,
    },
    /// How far ahead a booking may start, and what to do with a series
    /// that runs past it.
    BookingWindow {
        /// The window's length.
        max_advance: Duration,
        /// Book the instances inside and leave the rest (true), or refuse
        /// the series (false).
        truncate: bool,
    },
    /// Each instance lasts between `min` and `max`.
    Duration {
        /// Shortest allowed.
        min: Option<Duration>,
        /// Longest allowed.
        max: Option<Duration>,
    },
    /// Only within the resource's VAVAILABILITY (RFC 7953), kept in its
    /// [`crate::freebusy::AVAILABILITY_PREF`].
    WorkingHours,
    /// Whether series are accepted, and how many conflicting instances
    /// are declined one by one while the rest is accepted.
    Recurring {
        /// Series allowed at all.
        allowed: bool,
        /// Conflicting instances tolerated.
        max_conflicts: Tolerance,
    },
    /// Requests from organizers not matching `trusted` are held for the
    /// owner's approval (answered TENTATIVE meanwhile).
    Hold {
        /// Organizers whose in-policy requests are accepted at once.
        trusted: Vec<AddressPattern>,
    },
}

impl Resource {
    /// A resource without an owner or offers, answering by `policies`.
    pub fn new(address: CalAddress, policies: Vec<Policy>) -> Resource {
        Resource { address, owner: None, offer_hold: None, policies }
    }
}

impl Policy {
    /// The policy's name, as written in the configuration.
    pub fn name(&self) -> &'static str {
        match self {
            Policy::FreeBusy { .. } => "free-busy",
            Policy::NextAvailable { .. } => "next-available",
            Policy::PermittedTimes { .. } => "permitted-times",
            Policy::Acl { .. } => "acl",
            Policy::SameDomain => "same-domain",
            Policy::Quota { .. } => "quota",
            Policy::AcrossQuota { .. } => "across-quota",
            Policy::Delegate { include_self: true, .. } => "delegate",
            Policy::Delegate { include_self: false, .. } => "collection",
            Policy::BookingWindow { .. } => "booking-window",
            Policy::Duration { .. } => "duration",
            Policy::WorkingHours => "working-hours",
            Policy::Recurring { .. } => "recurring",
            Policy::Hold { .. } => "hold",
        }
    }

    /// Whether the policy checks the resource's own schedule.
    fn checks_capacity(&self) -> bool {
        matches!(self, Policy::FreeBusy { .. } | Policy::NextAvailable { .. } | Policy::Delegate { .. })
    }
}

/// One access-control rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclRule {
    /// Accept (true) or decline (false) when the rule matches.
    pub accept: bool,
    /// The organizer must match one of these (empty: anyone).
    pub organizer: Vec<AddressPattern>,
    /// Some other attendee must match one of these (empty: anyone).
    pub attendee: Vec<AddressPattern>,
}

/// How many conflicting instances of a series may be declined one by
/// one while the rest is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tolerance {
    /// None: any conflict declines the series.
    #[default]
    None,
    /// Up to this many instances.
    Count(usize),
    /// Up to this percentage of the instances (rounded down).
    Percent(u8),
}

impl Tolerance {
    /// How many of `total` instances may conflict.
    pub fn allowed(self, total: usize) -> usize {
        match self {
            Tolerance::None => 0,
            Tolerance::Count(n) => n,
            Tolerance::Percent(p) => total * usize::from(p) / 100,
        }
    }
}

/// How a pool chooses among its free members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// The first free member, in the pool's order.
    Available,
    /// The free member with the least booked time around the request.
    MostAvailable,
}

/// A quota: booked time per organizer or group, over a period, shared by
/// its member resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The resources whose bookings count.
    pub members: Vec<CalAddress>,
    /// The accounting period.
    pub period: QuotaPeriod,
    /// Limits, first match wins.
    pub limits: Vec<QuotaLimit>,
    /// Whether everyone matching one limit shares it (true), or each
    /// organizer has their own (false, the default).
    pub shared: bool,
}

/// The period a quota's limit applies to, in the resource's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaPeriod {
    /// Per calendar day.
    Day,
    /// Per ISO week (Monday to Sunday).
    Week,
    /// Per calendar month.
    Month,
    /// All bookings not yet over (imip-agent's journal semantics).
    Upcoming,
}

/// A quota limit for the organizers a pattern matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaLimit {
    /// Whom it applies to.
    pub who: AddressPattern,
    /// Seconds per period; `None` is unlimited.
    pub limit: Option<Duration>,
}

/// Sibling resources that can stand in for each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    /// The members, in order of preference.
    pub members: Vec<CalAddress>,
    /// Concurrent bookings each member allows.
    pub capacity: u32,
}

/// A resource configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The TOML is malformed, or names an unknown policy or field.
    #[error("resource configuration: {0}")]
    Syntax(String),
    /// A value is out of range or unreadable.
    #[error("resource configuration, {place}: {reason}")]
    BadValue {
        /// Where (resource and policy, or section).
        place: String,
        /// What is wrong.
        reason: String,
    },
    /// A name refers to nothing.
    #[error("resource configuration, {place}: no {kind} named {name:?}")]
    Unknown {
        /// Where.
        place: String,
        /// Group, quota or pool.
        kind: &'static str,
        /// The name.
        name: String,
    },
}

impl Directory {
    /// Reads a directory from TOML (see [`crate::resource`]).
    pub fn from_toml(text: &str) -> Result<Directory, PolicyError> {
        reader::read(text)
    }

    /// A directory of these resources, with no groups, quotas or pools,
    /// checked as [`Directory::from_toml`] checks a file: no resource
    /// listed twice, no capacity of 0, settings before the checks that
    /// use them, and no policy naming a group, quota or pool.
    pub fn new(resources: impl IntoIterator<Item = Resource>) -> Result<Directory, PolicyError> {
        let mut directory = Directory::default();
        for resource in resources {
            let place = format!("resource {}", resource.address);
            reader::check_order(&place, &resource.policies)?;
            for policy in &resource.policies {
                let named = match policy {
                    Policy::Quota { name } | Policy::AcrossQuota { name } => Some(("quota", name)),
                    Policy::Delegate { pool, .. } => Some(("pool", pool)),
                    _ => None,
                };
                if let Some((kind, name)) = named {
                    return Err(PolicyError::Unknown { place, kind, name: name.clone() });
                }
                let capacity = match policy {
                    Policy::FreeBusy { capacity }
                    | Policy::NextAvailable { capacity, .. }
                    | Policy::Delegate { capacity, .. } => Some(*capacity),
                    _ => None,
                };
                if capacity == Some(0) {
                    return Err(PolicyError::BadValue {
                        place,
                        reason: "capacity must be at least 1".into(),
                    });
                }
            }
            if directory.resources.contains_key(&resource.address) {
                return Err(PolicyError::BadValue { place, reason: "listed twice".into() });
            }
            directory.resources.insert(resource.address.clone(), resource);
        }
        Ok(directory)
    }

    /// The resource with this address, if it is one.
    pub fn resource(&self, address: &CalAddress) -> Option<&Resource> {
        self.resources.get(address)
    }

    /// Every resource, by address.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.resources.values()
    }

    /// A quota by name.
    pub fn quota(&self, name: &str) -> Option<&Quota> {
        self.quotas.get(name)
    }

    /// A pool by name.
    pub fn pool(&self, name: &str) -> Option<&Pool> {
        self.pools.get(name)
    }

    /// Whether `address` matches `pattern`, groups resolved here.
    pub fn matches(&self, pattern: &AddressPattern, address: &CalAddress) -> bool {
        match pattern {
            AddressPattern::Group(name) => {
                self.groups.get(name).is_some_and(|members| members.iter().any(|m| m.matches(address)))
            }
            other => other.matches(address),
        }
    }

    /// Whether `address` matches any of `patterns`.
    pub fn matches_any(&self, patterns: &[AddressPattern], address: &CalAddress) -> bool {
        patterns.iter().any(|p| self.matches(p, address))
    }
}

#[cfg(test)]
mod tests {
    use super::reader::parse_duration;
    use super::*;

    #[test]
    fn durations_are_exact_iso_8601() {
        assert_eq!(parse_duration("PT30M"), Some(1800));
        assert_eq!(parse_duration("P1W2DT3H4M5S"), Some(604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5));
        assert_eq!(parse_duration("P14D"), Some(14 * 86_400));
        for bad in ["", "P", "PT", "P1M", "P1Y", "1H", "PT1H30", "PT-1H", "P1DT", "PT1D"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn unknown_policies_and_fields_are_errors() {
        let unknown =
            "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"accept-all\"\n";
        assert!(matches!(Directory::from_toml(unknown), Err(PolicyError::Syntax(_))));
        let field = "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\ncapcity = 2\n";
        let error = Directory::from_toml(field).unwrap_err().to_string();
        assert!(error.contains("capcity"), "{error}");
    }

    #[test]
    fn bad_values_and_dangling_names_are_errors() {
        let cases = [
            ("kind = \"free-busy\"\ncapacity = 0", "capacity"),
            ("kind = \"quota\"\nname = \"nope\"", "no quota"),
            ("kind = \"delegate\"\npool = \"nope\"", "no pool"),
            ("kind = \"duration\"\nmin = \"PT2H\"\nmax = \"PT1H\"", "longer"),
            ("kind = \"booking-window\"\nmax_advance = \"P1M\"", "positive duration"),
            ("kind = \"acl\"\ndefault = \"maybe\"", "accept"),
            ("kind = \"hold\"\ntrusted = [\"group:nobody\"]", "no group"),
            ("kind = \"permitted-times\"\nminutes = [61]", "minute"),
            ("kind = \"recurring\"\nmax_conflicts = \"150%\"", "max_conflicts"),
        ];
        for (policy, expected) in cases {
            let text =
                format!("[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\n{policy}\n");
            let error = Directory::from_toml(&text).expect_err(policy).to_string();
            assert!(error.contains(expected), "{policy}: {error}");
        }
    }

    #[test]
    fn a_directory_built_in_code_is_checked_like_a_file() {
        let room = CalAddress::parse("room@example.com").unwrap();
        let free_busy = Policy::FreeBusy { capacity: 1 };
        let built = Directory::new([Resource::new(room.clone(), vec![free_busy.clone()])]).unwrap();
        let read = Directory::from_toml(
            "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n",
        )
        .unwrap();
        assert_eq!(built, read);
        let twice = [Resource::new(room.clone(), vec![]), Resource::new(room.clone(), vec![])];
        assert!(Directory::new(twice).unwrap_err().to_string().contains("listed twice"));
        let empty = Policy::FreeBusy { capacity: 0 };
        assert!(Directory::new([Resource::new(room.clone(), vec![empty])]).is_err());
        let dangling = Policy::Quota { name: "rooms".into() };
        assert!(Directory::new([Resource::new(room.clone(), vec![dangling])]).is_err());
        let late = vec![free_busy, Policy::WorkingHours];
        assert!(
            Directory::new([Resource::new(room, late)]).unwrap_err().to_string().contains("must come before")
        );
    }

    #[test]
    fn durations_are_read_into_duration_values() {
        let text = "[[resource]]\naddress = \"room@example.com\"\noffer_hold = \"PT1H\"\n\
                    [[resource.policy]]\nkind = \"booking-window\"\nmax_advance = \"P14D\"\nseries = \"truncate\"\n";
        let directory = Directory::from_toml(text).unwrap();
        let room = directory.resource(&CalAddress::parse("room@example.com").unwrap()).unwrap();
        assert_eq!(room.offer_hold, Some(Duration::from_secs(3600)));
        assert_eq!(
            room.policies,
            vec![Policy::BookingWindow { max_advance: Duration::from_secs(14 * 86_400), truncate: true }]
        );
        let error = Directory::from_toml(&text.replace("truncate", "trim")).unwrap_err().to_string();
        assert!(error.contains("refuse") && error.contains("truncate"), "{error}");
    }

    #[test]
    fn settings_must_precede_the_checks_that_use_them() {
        let text = "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n\
                    [[resource.policy]]\nkind = \"recurring\"\nmax_conflicts = 2\n";
        let error = Directory::from_toml(text).unwrap_err().to_string();
        assert!(error.contains("recurring must come before free-busy"), "{error}");
    }
}
