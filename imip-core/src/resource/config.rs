//! The resource directory: resources, their policy chains, and the
//! groups, quotas and pools they share, read from TOML and checked
//! completely when loaded (an unknown policy or a bad argument is an
//! error, never a silent "accept everything").

use super::pattern::AddressPattern;
use super::permitted::PermittedTimes;
use crate::CalAddress;
use serde::Deserialize;
use std::collections::BTreeMap;
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
    /// How long a counter-proposed slot stays reserved for the organizer
    /// (seconds); `None`: offers are not held.
    pub offer_hold: Option<i64>,
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
    /// within `search` seconds after the requested start.
    NextAvailable {
        /// Concurrent bookings allowed.
        capacity: u32,
        /// How far to search (seconds).
        search: i64,
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
    /// How far ahead a booking may start (seconds), and what to do with
    /// a series that runs past it.
    BookingWindow {
        /// The window's length.
        max_advance: i64,
        /// Book the instances inside and leave the rest (true), or refuse
        /// the series (false).
        truncate: bool,
    },
    /// Each instance lasts between `min` and `max` seconds.
    Duration {
        /// Shortest allowed.
        min: Option<i64>,
        /// Longest allowed.
        max: Option<i64>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub limit: Option<i64>,
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
        let raw: RawDirectory = toml::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        raw.check()
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDirectory {
    #[serde(default)]
    groups: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    quota: BTreeMap<String, RawQuota>,
    #[serde(default)]
    pool: BTreeMap<String, RawPool>,
    #[serde(default)]
    resource: Vec<RawResource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuota {
    members: Vec<String>,
    #[serde(default = "upcoming")]
    period: String,
    limits: Vec<RawLimit>,
    #[serde(default)]
    shared: bool,
}

fn upcoming() -> String {
    "upcoming".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    who: String,
    limit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPool {
    members: Vec<String>,
    #[serde(default = "one")]
    capacity: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResource {
    address: String,
    owner: Option<String>,
    offer_hold: Option<String>,
    #[serde(default)]
    policy: Vec<RawPolicy>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum RawPolicy {
    FreeBusy {
        #[serde(default = "one")]
        capacity: u32,
    },
    NextAvailable {
        #[serde(default = "one")]
        capacity: u32,
        search: Option<String>,
    },
    PermittedTimes {
        hours: Option<Vec<u32>>,
        minutes: Option<Vec<u32>>,
        #[serde(default = "counter")]
        action: String,
    },
    Acl {
        default: String,
        #[serde(default)]
        rules: Vec<RawRule>,
    },
    SameDomain {},
    Quota {
        name: String,
    },
    AcrossQuota {
        name: String,
    },
    Delegate {
        pool: String,
        strategy: Option<String>,
        #[serde(default = "one")]
        capacity: u32,
    },
    Collection {
        pool: String,
        strategy: Option<String>,
    },
    BookingWindow {
        max_advance: String,
        #[serde(default = "refuse")]
        series: String,
    },
    Duration {
        min: Option<String>,
        max: Option<String>,
    },
    WorkingHours {},
    Recurring {
        #[serde(default = "yes")]
        allowed: bool,
        max_conflicts: Option<toml::Value>,
    },
    Hold {
        #[serde(default)]
        trusted: Vec<String>,
    },
}

fn counter() -> String {
    "counter".into()
}

fn refuse() -> String {
    "refuse".into()
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    action: String,
    #[serde(default)]
    organizer: Vec<String>,
    #[serde(default)]
    attendee: Vec<String>,
}

fn bad(place: &str, reason: impl Into<String>) -> PolicyError {
    PolicyError::BadValue { place: place.to_string(), reason: reason.into() }
}

fn address(place: &str, text: &str) -> Result<CalAddress, PolicyError> {
    CalAddress::parse(text).ok_or_else(|| bad(place, format!("{text:?} is not a calendar address")))
}

fn patterns(place: &str, texts: &[String]) -> Result<Vec<AddressPattern>, PolicyError> {
    texts.iter().map(|t| AddressPattern::parse(t).map_err(|reason| bad(place, reason))).collect()
}

fn positive(place: &str, field: &str, text: &str) -> Result<i64, PolicyError> {
    match parse_duration(text) {
        Some(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(bad(place, format!("{field} = {text:?} is not a positive duration such as PT30M or P14D"))),
    }
}

fn strategy(place: &str, text: Option<&str>) -> Result<Strategy, PolicyError> {
    match text.unwrap_or("available") {
        "available" => Ok(Strategy::Available),
        "most-available" => Ok(Strategy::MostAvailable),
        other => Err(bad(place, format!("strategy {other:?}: use \"available\" or \"most-available\""))),
    }
}

fn capacity(place: &str, capacity: u32) -> Result<u32, PolicyError> {
    if capacity == 0 { Err(bad(place, "capacity must be at least 1")) } else { Ok(capacity) }
}

/// An exact ISO 8601 duration (RFC 5545 §3.3.6 without the sign): weeks,
/// days, hours, minutes, seconds. Years and months are refused: they
/// have no fixed length.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut total: i64 = 0;
    let mut any = false;
    let mut add = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        let mut allowed = units.iter();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, seconds) = allowed.by_ref().find(|(unit, _)| *unit == c)?;
            let value: i64 = number.parse().ok()?;
            total = total.checked_add(value.checked_mul(*seconds)?)?;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    add(date, &[('W', 604_800), ('D', 86_400)])?;
    if let Some(time) = time {
        add(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    }
    any.then_some(total)
}

impl RawDirectory {
    fn check(self) -> Result<Directory, PolicyError> {
        let mut groups = BTreeMap::new();
        for (name, members) in &self.groups {
            let place = format!("group {name:?}");
            let members = patterns(&place, members)?;
            if members.iter().any(|m| matches!(m, AddressPattern::Group(_))) {
                return Err(bad(&place, "groups cannot contain groups"));
            }
            groups.insert(name.clone(), members);
        }
        let known_group = |place: &str, patterns: &[AddressPattern]| -> Result<(), PolicyError> {
            for pattern in patterns {
                if let AddressPattern::Group(name) = pattern
                    && !groups.contains_key(name)
                {
                    return Err(PolicyError::Unknown {
                        place: place.to_string(),
                        kind: "group",
                        name: name.clone(),
                    });
                }
            }
            Ok(())
        };
        let mut quotas = BTreeMap::new();
        for (name, raw) in self.quota {
            let place = format!("quota {name:?}");
            let members = raw.members.iter().map(|m| address(&place, m)).collect::<Result<Vec<_>, _>>()?;
            let period = match raw.period.as_str() {
                "day" => QuotaPeriod::Day,
                "week" => QuotaPeriod::Week,
                "month" => QuotaPeriod::Month,
                "upcoming" => QuotaPeriod::Upcoming,
                other => {
                    return Err(bad(&place, format!("period {other:?}: use day, week, month or upcoming")));
                }
            };
            let mut limits = Vec::new();
            for limit in &raw.limits {
                let who = AddressPattern::parse(&limit.who).map_err(|reason| bad(&place, reason))?;
                known_group(&place, std::slice::from_ref(&who))?;
                let limit = match limit.limit.as_str() {
                    "unlimited" | "*" => None,
                    text => Some(positive(&place, "limit", text)?),
                };
                limits.push(QuotaLimit { who, limit });
            }
            quotas.insert(name, Quota { members, period, limits, shared: raw.shared });
        }
        let mut pools = BTreeMap::new();
        for (name, raw) in self.pool {
            let place = format!("pool {name:?}");
            let members = raw.members.iter().map(|m| address(&place, m)).collect::<Result<Vec<_>, _>>()?;
            if members.is_empty() {
                return Err(bad(&place, "a pool needs members"));
            }
            pools.insert(name, Pool { members, capacity: capacity(&place, raw.capacity)? });
        }
        let mut resources = BTreeMap::new();
        for raw in self.resource {
            let address = address("resource", &raw.address)?;
            let place = format!("resource {address}");
            let owner = raw.owner.as_deref().map(|o| self::address(&place, o)).transpose()?;
            let offer_hold =
                raw.offer_hold.as_deref().map(|t| positive(&place, "offer_hold", t)).transpose()?;
            let mut policies = Vec::new();
            for (index, policy) in raw.policy.into_iter().enumerate() {
                let place = format!("{place}, policy {}", index + 1);
                let policy = policy.check(&place, &quotas, &pools)?;
                if let Policy::Acl { rules, .. } = &policy {
                    for rule in rules {
                        known_group(&place, &rule.organizer)?;
                        known_group(&place, &rule.attendee)?;
                    }
                }
                if let Policy::Hold { trusted } = &policy {
                    known_group(&place, trusted)?;
                }
                policies.push(policy);
            }
            check_order(&place, &policies)?;
            if resources.contains_key(&address) {
                return Err(bad(&place, "listed twice"));
            }
            resources.insert(address.clone(), Resource { address, owner, offer_hold, policies });
        }
        Ok(Directory { groups, quotas, pools, resources })
    }
}

/// Settings read by later policies must come first: `recurring` (its
/// tolerance) and `permitted-times` / `working-hours` (which
/// `next-available` honours) before any capacity check.
fn check_order(place: &str, policies: &[Policy]) -> Result<(), PolicyError> {
    let first_check = policies.iter().position(Policy::checks_capacity);
    for (index, policy) in policies.iter().enumerate() {
        let setting =
            matches!(policy, Policy::Recurring { .. } | Policy::PermittedTimes { .. } | Policy::WorkingHours);
        if setting && first_check.is_some_and(|check| check < index) {
            return Err(bad(
                place,
                format!("{} must come before {}", policy.name(), policies[first_check.unwrap_or(0)].name()),
            ));
        }
    }
    Ok(())
}

impl RawPolicy {
    fn check(
        self,
        place: &str,
        quotas: &BTreeMap<String, Quota>,
        pools: &BTreeMap<String, Pool>,
    ) -> Result<Policy, PolicyError> {
        let quota = |name: String| {
            if quotas.contains_key(&name) {
                Ok(name)
            } else {
                Err(PolicyError::Unknown { place: place.to_string(), kind: "quota", name })
            }
        };
        let pool = |name: String| {
            if pools.contains_key(&name) {
                Ok(name)
            } else {
                Err(PolicyError::Unknown { place: place.to_string(), kind: "pool", name })
            }
        };
        Ok(match self {
            RawPolicy::FreeBusy { capacity: c } => Policy::FreeBusy { capacity: capacity(place, c)? },
            RawPolicy::NextAvailable { capacity: c, search } => Policy::NextAvailable {
                capacity: capacity(place, c)?,
                search: search.map(|s| positive(place, "search", &s)).transpose()?.unwrap_or(14 * 86_400),
            },
            RawPolicy::PermittedTimes { hours, minutes, action } => {
                let times = PermittedTimes::new(hours, minutes).map_err(|reason| bad(place, reason))?;
                let counter = match action.as_str() {
                    "counter" => true,
                    "decline" => false,
                    other => {
                        return Err(bad(place, format!("action {other:?}: use \"counter\" or \"decline\"")));
                    }
                };
                Policy::PermittedTimes { times, counter }
            }
            RawPolicy::Acl { default, rules } => {
                let accept = |text: &str| match text {
                    "accept" => Ok(true),
                    "decline" => Ok(false),
                    other => Err(bad(place, format!("{other:?}: use \"accept\" or \"decline\""))),
                };
                let mut checked = Vec::new();
                for rule in rules {
                    if rule.organizer.is_empty() && rule.attendee.is_empty() {
                        return Err(bad(place, "a rule needs organizer or attendee patterns"));
                    }
                    checked.push(AclRule {
                        accept: accept(&rule.action)?,
                        organizer: patterns(place, &rule.organizer)?,
                        attendee: patterns(place, &rule.attendee)?,
                    });
                }
                Policy::Acl { default_accept: accept(&default)?, rules: checked }
            }
            RawPolicy::SameDomain {} => Policy::SameDomain,
            RawPolicy::Quota { name } => Policy::Quota { name: quota(name)? },
            RawPolicy::AcrossQuota { name } => Policy::AcrossQuota { name: quota(name)? },
            RawPolicy::Delegate { pool: name, strategy: s, capacity: c } => Policy::Delegate {
                pool: pool(name)?,
                strategy: strategy(place, s.as_deref())?,
                include_self: true,
                capacity: capacity(place, c)?,
            },
            RawPolicy::Collection { pool: name, strategy: s } => Policy::Delegate {
                pool: pool(name)?,
                strategy: strategy(place, s.as_deref())?,
                include_self: false,
                capacity: 1,
            },
            RawPolicy::BookingWindow { max_advance, series } => Policy::BookingWindow {
                max_advance: positive(place, "max_advance", &max_advance)?,
                truncate: match series.as_str() {
                    "refuse" => false,
                    "truncate" => true,
                    other => {
                        return Err(bad(place, format!("series {other:?}: use \"refuse\" or \"truncate\"")));
                    }
                },
            },
            RawPolicy::Duration { min, max } => {
                let min = min.map(|m| positive(place, "min", &m)).transpose()?;
                let max = max.map(|m| positive(place, "max", &m)).transpose()?;
                if min.is_none() && max.is_none() {
                    return Err(bad(place, "duration needs min or max"));
                }
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    return Err(bad(place, "min is longer than max"));
                }
                Policy::Duration { min, max }
            }
            RawPolicy::WorkingHours {} => Policy::WorkingHours,
            RawPolicy::Recurring { allowed, max_conflicts } => Policy::Recurring {
                allowed,
                max_conflicts: match max_conflicts {
                    None => Tolerance::None,
                    Some(toml::Value::Integer(n)) if n >= 0 => {
                        Tolerance::Count(usize::try_from(n).unwrap_or(usize::MAX))
                    }
                    Some(toml::Value::String(text)) => match text.strip_suffix('%').map(str::parse::<u8>) {
                        Some(Ok(p)) if p <= 100 => Tolerance::Percent(p),
                        _ => {
                            return Err(bad(
                                place,
                                format!("max_conflicts {text:?}: use a count or \"10%\""),
                            ));
                        }
                    },
                    Some(other) => {
                        return Err(bad(place, format!("max_conflicts {other:?}: use a count or \"10%\"")));
                    }
                },
            },
            RawPolicy::Hold { trusted } => Policy::Hold { trusted: patterns(place, &trusted)? },
        })
    }
}

#[cfg(test)]
mod tests {
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
    fn settings_must_precede_the_checks_that_use_them() {
        let text = "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n\
                    [[resource.policy]]\nkind = \"recurring\"\nmax_conflicts = 2\n";
        let error = Directory::from_toml(text).unwrap_err().to_string();
        assert!(error.contains("recurring must come before free-busy"), "{error}");
    }
}
