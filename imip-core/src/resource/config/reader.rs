//! Reading the directory from TOML: the file's shape as serde types
//! (policy kinds, answers, periods and strategies are enums; durations
//! are ISO 8601 text read into [`Duration`]), then the checks serde
//! cannot make (names that must exist, capacities, the order of
//! settings).

use super::{
    AclRule, Directory, Policy, PolicyError, Pool, Quota, QuotaLimit, QuotaPeriod, Resource, Strategy,
    Tolerance,
};
use crate::CalAddress;
use crate::resource::pattern::AddressPattern;
use crate::resource::permitted::PermittedTimes;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::time::Duration;

/// Reads and checks a directory.
pub(super) fn read(text: &str) -> Result<Directory, PolicyError> {
    let raw: RawDirectory = toml::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
    raw.check()
}

/// A positive, exact ISO 8601 duration (`PT30M`, `P14D`), as TOML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Iso(Duration);

impl<'de> Deserialize<'de> for Iso {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Iso, D::Error> {
        let text = String::deserialize(deserializer)?;
        match parse_duration(&text) {
            Some(seconds) if seconds > 0 => Ok(Iso(Duration::from_secs(seconds.unsigned_abs()))),
            _ => Err(serde::de::Error::custom(format!(
                "{text:?} is not a positive duration such as PT30M or P14D"
            ))),
        }
    }
}

/// A quota limit: a duration, or `unlimited` (`*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LimitValue(Option<Duration>);

impl<'de> Deserialize<'de> for LimitValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LimitValue, D::Error> {
        let text = String::deserialize(deserializer)?;
        if matches!(text.as_str(), "unlimited" | "*") {
            return Ok(LimitValue(None));
        }
        match parse_duration(&text) {
            Some(seconds) if seconds > 0 => Ok(LimitValue(Some(Duration::from_secs(seconds.unsigned_abs())))),
            _ => Err(serde::de::Error::custom(format!(
                "limit {text:?} is not a positive duration such as PT10H, nor \"unlimited\""
            ))),
        }
    }
}

/// What an access rule, or its default, answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Answer {
    Accept,
    Decline,
}

/// What `permitted-times` does with a request off the permitted times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Correction {
    #[default]
    Counter,
    Decline,
}

/// What `booking-window` does with a series running past the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum BeyondWindow {
    #[default]
    Refuse,
    Truncate,
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
    period: QuotaPeriod,
    limits: Vec<RawLimit>,
    #[serde(default)]
    shared: bool,
}

fn upcoming() -> QuotaPeriod {
    QuotaPeriod::Upcoming
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    who: String,
    limit: LimitValue,
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
    offer_hold: Option<Iso>,
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
        search: Option<Iso>,
    },
    PermittedTimes {
        hours: Option<Vec<u32>>,
        minutes: Option<Vec<u32>>,
        #[serde(default)]
        action: Correction,
    },
    Acl {
        default: Answer,
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
        #[serde(default = "available")]
        strategy: Strategy,
        #[serde(default = "one")]
        capacity: u32,
    },
    Collection {
        pool: String,
        #[serde(default = "available")]
        strategy: Strategy,
    },
    BookingWindow {
        max_advance: Iso,
        #[serde(default)]
        series: BeyondWindow,
    },
    Duration {
        min: Option<Iso>,
        max: Option<Iso>,
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

fn available() -> Strategy {
    Strategy::Available
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    action: Answer,
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
            let period = raw.period;
            let mut limits = Vec::new();
            for limit in &raw.limits {
                let who = AddressPattern::parse(&limit.who).map_err(|reason| bad(&place, reason))?;
                known_group(&place, std::slice::from_ref(&who))?;
                limits.push(QuotaLimit { who, limit: limit.limit.0 });
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
            let offer_hold = raw.offer_hold.map(|hold| hold.0);
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
pub(super) fn check_order(place: &str, policies: &[Policy]) -> Result<(), PolicyError> {
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
                search: search.map_or(Duration::from_secs(14 * 86_400), |search| search.0),
            },
            RawPolicy::PermittedTimes { hours, minutes, action } => {
                let times = PermittedTimes::new(hours, minutes).map_err(|reason| bad(place, reason))?;
                Policy::PermittedTimes { times, counter: action == Correction::Counter }
            }
            RawPolicy::Acl { default, rules } => {
                let mut checked = Vec::new();
                for rule in rules {
                    if rule.organizer.is_empty() && rule.attendee.is_empty() {
                        return Err(bad(place, "a rule needs organizer or attendee patterns"));
                    }
                    checked.push(AclRule {
                        accept: rule.action == Answer::Accept,
                        organizer: patterns(place, &rule.organizer)?,
                        attendee: patterns(place, &rule.attendee)?,
                    });
                }
                Policy::Acl { default_accept: default == Answer::Accept, rules: checked }
            }
            RawPolicy::SameDomain {} => Policy::SameDomain,
            RawPolicy::Quota { name } => Policy::Quota { name: quota(name)? },
            RawPolicy::AcrossQuota { name } => Policy::AcrossQuota { name: quota(name)? },
            RawPolicy::Delegate { pool: name, strategy: s, capacity: c } => Policy::Delegate {
                pool: pool(name)?,
                strategy: s,
                include_self: true,
                capacity: capacity(place, c)?,
            },
            RawPolicy::Collection { pool: name, strategy: s } => {
                Policy::Delegate { pool: pool(name)?, strategy: s, include_self: false, capacity: 1 }
            }
            RawPolicy::BookingWindow { max_advance, series } => Policy::BookingWindow {
                max_advance: max_advance.0,
                truncate: series == BeyondWindow::Truncate,
            },
            RawPolicy::Duration { min, max } => {
                let (min, max) = (min.map(|m| m.0), max.map(|m| m.0));
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
