//! Why a resource answered as it did, as a value: each policy says what
//! it found, and the sentence is written at the end in the resource's
//! language (its `LANG` preference) for the COMMENT of its REPLY or
//! COUNTER and for its owner's notice. Times are written in the
//! resource's zone, `2025-03-10 15:00 (Europe/Berlin)`, which reads the
//! same in every language.

use super::policy::{length, local_time};
use crate::Timestamp;
use crate::words::{Arg, Lang};
use chrono_tz::Tz;

/// What made an instance impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// The resource is booked then.
    AlreadyBooked,
    /// Outside its working hours.
    OutsideWorkingHours,
}

/// A quota's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Per {
    Day,
    Week,
    Month,
    Upcoming,
}

/// One reason, with what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The organizer is not allowed (acl).
    NotAllowed { resource: String, organizer: String },
    /// Only organizers of one domain (same-domain).
    OnlyFromDomain { resource: String, domain: String },
    /// The owner must approve (hold); follows "pending approval:".
    NeedsApproval { organizer: String, owner: Option<String> },
    /// Busy, and no free slot nearby (next-available).
    NoFreeSlot { resource: String, at: Timestamp, days: i64 },
    /// Handed to a member of the pool.
    Delegated { resource: String, busy: bool, to: String },
    /// No member of a collection is free.
    NoMemberFree { resource: String },
    /// Beyond the booking window.
    BeyondWindow { resource: String, days: i64, latest: Timestamp },
    /// A remark: a series cut at the booking window.
    NotBookedAfter { latest: Timestamp },
    /// Shorter than the minimum.
    TooShort { resource: String, min: i64 },
    /// Longer than the maximum.
    TooLong { resource: String, max: i64 },
    /// The working hours cannot be read.
    NoWorkingHours { resource: String },
    /// No recurring bookings.
    NoRecurring { resource: String },
    /// Unavailable at the first troubled instance.
    Unavailable { resource: String, at: Timestamp, trouble: Trouble },
    /// A remark: one instance declined.
    InstanceDeclined { at: Timestamp, trouble: Trouble },
    /// The organizer has no quota.
    NoQuota { resource: String },
    /// An open-ended series under a quota.
    OpenEndedUnderQuota { resource: String },
    /// The quota is used up.
    QuotaExceeded { resource: String, limit: i64, per: Per, used: i64 },
    /// One resource of a group at a time.
    AlreadyHoldsMember { organizer: String, member: String, at: Timestamp },
    /// Only at permitted times.
    OnlyAt { resource: String, minutes: Vec<u32>, hours: Vec<u32>, at: Timestamp },
    /// Every instance was declined.
    NothingToBook { resource: String },
    /// Another time proposed (COUNTER).
    Suggests { resource: String, start: Timestamp, end: Timestamp },
    /// Held for approval, because of `why`.
    Reserved { resource: String, why: Box<Reason> },
    /// Booked.
    Scheduled { resource: String },
    /// No instance within the horizon.
    NoInstance { resource: String },
}

impl Reason {
    /// The sentence, in `lang`, with times in `zone`.
    pub(crate) fn text(&self, lang: Lang, zone: Tz) -> String {
        let t = |id: &str, args: &[(&str, Arg<'_>)]| lang.text(id, args);
        let time = |at: &Timestamp| local_time(*at, zone);
        match self {
            Reason::NotAllowed { resource, organizer } => t(
                "reason-not-allowed",
                &[("resource", Arg::Text(resource)), ("organizer", Arg::Text(organizer))],
            ),
            Reason::OnlyFromDomain { resource, domain } => t(
                "reason-only-from-domain",
                &[("resource", Arg::Text(resource)), ("domain", Arg::Text(domain))],
            ),
            Reason::NeedsApproval { organizer, owner } => {
                let owner = owner.clone().unwrap_or_else(|| t("reason-its-owner", &[]));
                t(
                    "reason-needs-approval",
                    &[("organizer", Arg::Text(organizer)), ("owner", Arg::Text(&owner))],
                )
            }
            Reason::NoFreeSlot { resource, at, days } => t(
                "reason-no-free-slot",
                &[
                    ("resource", Arg::Text(resource)),
                    ("at", Arg::Text(&time(at))),
                    ("days", Arg::Number(*days)),
                ],
            ),
            Reason::Delegated { resource, busy, to } => t(
                "reason-delegated",
                &[
                    ("resource", Arg::Text(resource)),
                    ("kind", Arg::Text(if *busy { "busy" } else { "collection" })),
                    ("to", Arg::Text(to)),
                ],
            ),
            Reason::NoMemberFree { resource } => {
                t("reason-no-member-free", &[("resource", Arg::Text(resource))])
            }
            Reason::BeyondWindow { resource, days, latest } => t(
                "reason-beyond-window",
                &[
                    ("resource", Arg::Text(resource)),
                    ("days", Arg::Number(*days)),
                    ("latest", Arg::Text(&time(latest))),
                ],
            ),
            Reason::NotBookedAfter { latest } => {
                t("reason-not-booked-after", &[("latest", Arg::Text(&time(latest)))])
            }
            Reason::TooShort { resource, min } => t(
                "reason-too-short",
                &[("resource", Arg::Text(resource)), ("length", Arg::Text(&length(*min)))],
            ),
            Reason::TooLong { resource, max } => t(
                "reason-too-long",
                &[("resource", Arg::Text(resource)), ("length", Arg::Text(&length(*max)))],
            ),
            Reason::NoWorkingHours { resource } => {
                t("reason-no-working-hours", &[("resource", Arg::Text(resource))])
            }
            Reason::NoRecurring { resource } => {
                t("reason-no-recurring", &[("resource", Arg::Text(resource))])
            }
            Reason::Unavailable { resource, at, trouble } => t(
                "reason-unavailable",
                &[
                    ("resource", Arg::Text(resource)),
                    ("at", Arg::Text(&time(at))),
                    ("why", Arg::Text(&trouble.text(lang))),
                ],
            ),
            Reason::InstanceDeclined { at, trouble } => t(
                "reason-instance-declined",
                &[("at", Arg::Text(&time(at))), ("why", Arg::Text(&trouble.text(lang)))],
            ),
            Reason::NoQuota { resource } => t("reason-no-quota", &[("resource", Arg::Text(resource))]),
            Reason::OpenEndedUnderQuota { resource } => {
                t("reason-open-ended-under-quota", &[("resource", Arg::Text(resource))])
            }
            Reason::QuotaExceeded { resource, limit, per, used } => t(
                "reason-quota-exceeded",
                &[
                    ("resource", Arg::Text(resource)),
                    ("limit", Arg::Text(&length(*limit))),
                    ("per", Arg::Text(per.key())),
                    ("used", Arg::Text(&length(*used))),
                ],
            ),
            Reason::AlreadyHoldsMember { organizer, member, at } => t(
                "reason-already-holds-member",
                &[
                    ("organizer", Arg::Text(organizer)),
                    ("member", Arg::Text(member)),
                    ("at", Arg::Text(&time(at))),
                ],
            ),
            Reason::OnlyAt { resource, minutes, hours, at } => t(
                "reason-only-at",
                &[
                    ("resource", Arg::Text(resource)),
                    ("times", Arg::Text(&permitted(minutes, hours, lang))),
                    ("at", Arg::Text(&time(at))),
                ],
            ),
            Reason::NothingToBook { resource } => {
                t("reason-nothing-to-book", &[("resource", Arg::Text(resource))])
            }
            Reason::Suggests { resource, start, end } => t(
                "reason-suggests",
                &[
                    ("resource", Arg::Text(resource)),
                    ("start", Arg::Text(&time(start))),
                    ("end", Arg::Text(&time(end))),
                ],
            ),
            Reason::Reserved { resource, why } => t(
                "reason-reserved",
                &[("resource", Arg::Text(resource)), ("why", Arg::Text(&why.text(lang, zone)))],
            ),
            Reason::Scheduled { resource } => t("reason-scheduled", &[("resource", Arg::Text(resource))]),
            Reason::NoInstance { resource } => t("reason-no-instance", &[("resource", Arg::Text(resource))]),
        }
    }
}

impl Trouble {
    /// The words of the trace (English, for the admin's log).
    pub(crate) fn trace(self) -> &'static str {
        match self {
            Trouble::AlreadyBooked => "already booked",
            Trouble::OutsideWorkingHours => "outside working hours",
        }
    }

    fn text(self, lang: Lang) -> String {
        lang.text(
            match self {
                Trouble::AlreadyBooked => "trouble-already-booked",
                Trouble::OutsideWorkingHours => "trouble-outside-working-hours",
            },
            &[],
        )
    }
}

impl Per {
    fn key(self) -> &'static str {
        match self {
            Per::Day => "day",
            Per::Week => "week",
            Per::Month => "month",
            Per::Upcoming => "upcoming",
        }
    }
}

/// Permitted times in words: "at :00, :30 of hours 8, 9".
fn permitted(minutes: &[u32], hours: &[u32], lang: Lang) -> String {
    let minutes = if minutes.len() == 60 {
        lang.text("permitted-any-minute", &[])
    } else {
        minutes.iter().map(|m| format!(":{m:02}")).collect::<Vec<_>>().join(", ")
    };
    if hours.len() == 24 {
        lang.text("permitted-past-the-hour", &[("minutes", Arg::Text(&minutes))])
    } else {
        let hours = hours.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(", ");
        lang.text("permitted-of-hours", &[("minutes", Arg::Text(&minutes)), ("hours", Arg::Text(&hours))])
    }
}

/// The sentence of a reason and its remarks, joined.
pub(crate) fn sentence(reason: &Reason, remarks: &[Reason], lang: Lang, zone: Tz) -> String {
    let mut text = reason.text(lang, zone);
    for remark in remarks {
        text.push(' ');
        text.push_str(&remark.text(lang, zone));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_reason() -> Vec<Reason> {
        let at = Timestamp::parse_utc("20250310T140000Z").unwrap();
        let end = Timestamp::parse_utc("20250310T150000Z").unwrap();
        let room = || "room@example.com".to_string();
        vec![
            Reason::NotAllowed { resource: room(), organizer: "eve@example.org".into() },
            Reason::OnlyFromDomain { resource: room(), domain: "example.com".into() },
            Reason::Reserved {
                resource: room(),
                why: Box::new(Reason::NeedsApproval {
                    organizer: "eve@example.org".into(),
                    owner: Some("facilities@example.com".into()),
                }),
            },
            Reason::NoFreeSlot { resource: room(), at, days: 7 },
            Reason::Delegated { resource: room(), busy: true, to: "room-2@example.com".into() },
            Reason::Delegated { resource: room(), busy: false, to: "room-2@example.com".into() },
            Reason::NoMemberFree { resource: room() },
            Reason::BeyondWindow { resource: room(), days: 90, latest: at },
            Reason::NotBookedAfter { latest: at },
            Reason::TooShort { resource: room(), min: 1800 },
            Reason::TooLong { resource: room(), max: 5400 },
            Reason::NoWorkingHours { resource: room() },
            Reason::NoRecurring { resource: room() },
            Reason::Unavailable { resource: room(), at, trouble: Trouble::AlreadyBooked },
            Reason::InstanceDeclined { at, trouble: Trouble::OutsideWorkingHours },
            Reason::NoQuota { resource: room() },
            Reason::OpenEndedUnderQuota { resource: room() },
            Reason::QuotaExceeded { resource: room(), limit: 36000, per: Per::Week, used: 34200 },
            Reason::AlreadyHoldsMember {
                organizer: "eve@example.org".into(),
                member: "van-1@example.com".into(),
                at,
            },
            Reason::OnlyAt { resource: room(), minutes: vec![0, 30], hours: (8..18).collect(), at },
            Reason::OnlyAt { resource: room(), minutes: vec![0], hours: (0..24).collect(), at },
            Reason::NothingToBook { resource: room() },
            Reason::Suggests { resource: room(), start: at, end },
            Reason::Scheduled { resource: room() },
            Reason::NoInstance { resource: room() },
        ]
    }

    #[test]
    fn every_reason_in_every_language() {
        for lang in Lang::ALL {
            let text: String = every_reason()
                .iter()
                .map(|r| format!("{}\n", r.text(lang, chrono_tz::Europe::Berlin)))
                .collect();
            assert!(!text.contains("reason-") && !text.contains("trouble-"), "a message id leaked: {text}");
            insta::assert_snapshot!(format!("reasons_{}", lang.tag()), text);
        }
    }
}
