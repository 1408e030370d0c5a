//! The property presence rules of RFC 5546 §3 (the restriction tables of
//! §3.1–§3.5), as data, and a checker for whole iTIP messages.
//!
//! The rules are `presence-rules.tsv`, transcribed from the RFC's tables
//! (one row per component, METHOD and property path): `1` exactly one,
//! `1+` at least one, `0` none, `0+` any number, `0 or 1` at most one.
//! [`check`] applies the rows of the message's component type and
//! METHOD, and the common rows (§3.1: VCALENDAR, VTIMEZONE, VALARM), to
//! every component they name.
//!
//! imip checks every message it sends against these rules in the
//! conformance suite. Received messages are held to the MUSTs that
//! processing depends on (see [`Violation`](crate::Violation)); the rest
//! of the table is reported, not enforced, because real clients break it
//! routinely (RFC 5546 §4 itself does, see the checklist's notes).
//!
//! ```
//! let reply = "BEGIN:VCALENDAR\r\nPRODID:-//x//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n\
//! BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20250301T090000Z\r\n\
//! ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
//! let calendar = calcard::icalendar::ICalendar::parse(reply).unwrap();
//! let problems = imip_core::presence::check(&calendar);
//! assert_eq!(problems.len(), 1);
//! assert_eq!(problems[0].to_string(), "REPLY: VEVENT/ORGANIZER occurs 0 times, RFC 5546 §3.2.3 requires 1");
//! ```

use calcard::icalendar::{ICalendar, ICalendarComponent, ICalendarProperty};
use std::fmt;
use std::sync::OnceLock;

const RULES: &str = include_str!("presence-rules.tsv");

/// How often a property or component may occur (RFC 5546 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `1`: exactly once (MUST).
    One,
    /// `1+`: at least once (MUST).
    OneOrMore,
    /// `0`: never (MUST NOT).
    Never,
    /// `0+`: any number (MAY).
    Any,
    /// `0 or 1`: at most once (MAY).
    AtMostOne,
}

impl Presence {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "1" => Presence::One,
            "1+" => Presence::OneOrMore,
            "0" => Presence::Never,
            "0+" => Presence::Any,
            "0 or 1" => Presence::AtMostOne,
            _ => return None,
        })
    }

    /// Whether `count` occurrences satisfy the rule.
    pub fn allows(self, count: usize) -> bool {
        match self {
            Presence::One => count == 1,
            Presence::OneOrMore => count >= 1,
            Presence::Never => count == 0,
            Presence::Any => true,
            Presence::AtMostOne => count <= 1,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Presence::One => "1",
            Presence::OneOrMore => "1+",
            Presence::Never => "0",
            Presence::Any => "0+",
            Presence::AtMostOne => "0 or 1",
        }
    }
}

/// One row of the tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// `VEVENT`, `VTODO`, `VJOURNAL`, `VFREEBUSY`, or `COMMON`.
    pub component: &'static str,
    /// The METHOD, or `ANY`.
    pub method: &'static str,
    /// The RFC 5546 section of the table.
    pub section: &'static str,
    /// The path: `METHOD`, `VEVENT`, `VEVENT/ATTENDEE`, `VTIMEZONE/STANDARD/DTSTART`, …
    pub path: &'static str,
    /// How often it may occur.
    pub presence: Presence,
}

/// A rule a message breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceProblem {
    /// The message's METHOD.
    pub method: String,
    /// The rule's path.
    pub path: String,
    /// How often it occurred (in one component, for nested paths).
    pub found: usize,
    /// What the rule allows.
    pub presence: Presence,
    /// The RFC 5546 section.
    pub section: String,
}

impl fmt::Display for PresenceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} occurs {} times, RFC 5546 §{} requires {}",
            self.method,
            self.path,
            self.found,
            self.section,
            self.presence.as_str()
        )
    }
}

/// Every row of the tables.
pub fn rules() -> &'static [Rule] {
    static PARSED: OnceLock<Vec<Rule>> = OnceLock::new();
    PARSED.get_or_init(|| RULES.lines().filter_map(rule).collect())
}

/// One line of the tables as a [`Rule`]; `None` for the comments, the
/// header and anything unreadable.
fn rule(line: &'static str) -> Option<Rule> {
    if line.starts_with('#') || line.starts_with("component\t") {
        return None;
    }
    let mut fields = line.split('\t');
    let (component, method, section, path, presence) =
        (fields.next()?, fields.next()?, fields.next()?, fields.next()?, fields.next()?);
    Some(Rule { component, method, section, path, presence: Presence::parse(presence)? })
}

/// The properties imip writes into a `method` message about a `kind`
/// component (`VEVENT`, `VTODO`, …) that it composes from a stored copy
/// (REPLY, REFRESH, DECLINECOUNTER): every property the table of RFC
/// 5546 §3 requires there (presence `1` or `1+`), and those of `wanted`
/// that the table allows. ATTENDEE is never in the set: the composer
/// writes the participant lines it means. The set comes from the tables,
/// not from a list shared between methods, so that no message carries
/// what its own table forbids.
///
/// ```
/// use calcard::icalendar::ICalendarProperty as P;
/// use imip_core::presence::carried;
/// let wanted = [P::RecurrenceId, P::Sequence, P::Dtstart, P::Summary];
/// let names = |set: Vec<P>| set.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>();
/// // §3.2.8 requires SEQUENCE and allows DTSTART; §3.2.6 forbids both.
/// assert_eq!(names(carried("VEVENT", "DECLINECOUNTER", &wanted[..2])),
///            ["DTSTAMP", "ORGANIZER", "SEQUENCE", "UID", "RECURRENCE-ID"]);
/// assert_eq!(names(carried("VEVENT", "REFRESH", &wanted)), ["DTSTAMP", "ORGANIZER", "UID", "RECURRENCE-ID"]);
/// // The VTODO REFRESH table forbids ORGANIZER (§3.4.6).
/// assert_eq!(names(carried("VTODO", "REFRESH", &wanted)), ["DTSTAMP", "UID", "RECURRENCE-ID"]);
/// ```
pub fn carried(kind: &str, method: &str, wanted: &[ICalendarProperty]) -> Vec<ICalendarProperty> {
    let carried = Carried::of(kind, method, wanted);
    let mut set = carried.required.to_vec();
    for property in wanted {
        if carried.contains(property) && !set.contains(property) {
            set.push(property.clone());
        }
    }
    set
}

/// The set [`carried`] gives, as a test of one property: what a
/// composer asks of each line it copies, without building the set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Carried<'a> {
    allowed: &'static [ICalendarProperty],
    required: &'static [ICalendarProperty],
    wanted: &'a [ICalendarProperty],
    /// Bit `i` set when the table allows `wanted[i]` (read once here,
    /// not for every line tested).
    allowed_wanted: u64,
}

impl<'a> Carried<'a> {
    /// The properties a `method` message about a `kind` component
    /// carries, `wanted` among them where the table allows them.
    pub(crate) fn of(kind: &str, method: &str, wanted: &'a [ICalendarProperty]) -> Self {
        let table = component_properties(kind, method);
        let allowed_wanted = wanted
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, w)| table.allowed.contains(w))
            .fold(0, |bits, (i, _)| bits | 1 << i);
        Carried { allowed: &table.allowed, required: &table.required, wanted, allowed_wanted }
    }

    /// Whether `property` is in the set.
    pub(crate) fn contains(&self, property: &ICalendarProperty) -> bool {
        self.required.contains(property)
            || self.wanted.iter().position(|w| w == property).is_some_and(|i| match i {
                0..64 => self.allowed_wanted >> i & 1 == 1,
                _ => self.allowed.contains(property),
            })
    }
}

/// One row [`component_properties`] reads: the property as the tables
/// name it, as calcard reads that name, and its presence.
#[derive(Debug)]
struct PropertyRow {
    property: Option<ICalendarProperty>,
    presence: Presence,
}

/// What the rows of one component kind and METHOD say: the properties
/// a message must carry (`1` or `1+`), ATTENDEE aside, in table order,
/// and those it may carry (any presence but `0`), each once.
#[derive(Debug)]
struct PropertyTable {
    required: Vec<ICalendarProperty>,
    allowed: Vec<ICalendarProperty>,
}

/// What the rows about the properties of a `kind` component in a
/// `method` message (paths `KIND/PROPERTY`) say. Each pair's rows are
/// read from the tables on its first use, and only that pair's: an agent
/// process composes one or two kinds of message in its life, and reading
/// the whole table was a twentieth of its CPU.
fn component_properties(kind: &str, method: &str) -> &'static PropertyTable {
    use crate::model::{ComponentKind, Method};
    static NONE: PropertyTable = PropertyTable { required: Vec::new(), allowed: Vec::new() };
    static TABLES: [[OnceLock<PropertyTable>; Method::ALL.len()]; ComponentKind::ALL.len()] =
        [const { [const { OnceLock::new() }; Method::ALL.len()] }; ComponentKind::ALL.len()];
    let (Some(k), Some(m)) = (
        ComponentKind::ALL.iter().position(|k| k.as_str() == kind),
        Method::ALL.iter().position(|m| m.as_str() == method),
    ) else {
        return &NONE;
    };
    TABLES[k][m].get_or_init(|| {
        let (kind, method) = (ComponentKind::ALL[k].as_str(), Method::ALL[m].as_str());
        // The table keeps each pair's rows together (a test checks): find
        // the first and read on while the lines are the pair's.
        let prefix = format!("\n{kind}\t{method}\t");
        let group = RULES.find(&prefix).map_or("", |at| &RULES[at + 1..]);
        let rows: Vec<PropertyRow> = group
            .lines()
            .take_while(|line| line.starts_with(&prefix[1..]))
            .filter_map(rule)
            .filter_map(|rule| {
                let name = rule.path.strip_prefix(kind)?.strip_prefix('/')?;
                if is_component_name(name) || is_extension(name) {
                    return None;
                }
                let property = <ICalendarProperty as calcard::common::IanaParse>::parse(name.as_bytes());
                Some(PropertyRow { property, presence: rule.presence })
            })
            .collect();
        let required = rows
            .iter()
            .filter(|row| matches!(row.presence, Presence::One | Presence::OneOrMore))
            .filter_map(|row| row.property.clone())
            .filter(|property| *property != ICalendarProperty::Attendee)
            .collect();
        let mut allowed: Vec<ICalendarProperty> = Vec::new();
        for property in
            rows.iter().filter(|row| row.presence != Presence::Never).filter_map(|row| row.property.as_ref())
        {
            if !allowed.contains(property) {
                allowed.push(property.clone());
            }
        }
        PropertyTable { required, allowed }
    })
}

/// Checks an iTIP message against the rows for its component type and
/// METHOD (RFC 5546 §3.2–§3.5) and the common rows (§3.1). A message
/// without METHOD or without a scheduling component gives one problem.
pub fn check(calendar: &ICalendar) -> Vec<PresenceProblem> {
    let Some(root) = calendar.components.first() else { return Vec::new() };
    let method = root
        .property(&ICalendarProperty::Method)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(|m| m.to_ascii_uppercase())
        .unwrap_or_default();
    let kind = children(calendar, root)
        .map(|c| c.component_type.as_str().to_string())
        .find(|name| matches!(name.as_str(), "VEVENT" | "VTODO" | "VJOURNAL" | "VFREEBUSY"));
    let (Some(kind), false) = (kind, method.is_empty()) else {
        return vec![PresenceProblem {
            method: if method.is_empty() { "(none)".into() } else { method },
            path: "METHOD".into(),
            found: 0,
            presence: Presence::One,
            section: "3.1".into(),
        }];
    };
    let mut problems = Vec::new();
    for rule in rules() {
        let applies = (rule.component == kind && rule.method == method)
            || (rule.component == "COMMON" && rule.method == "ANY");
        if !applies || rule.presence == Presence::Any {
            continue;
        }
        let found_counts = if method == "REPLY" && rule.path.ends_with("/ATTENDEE") {
            delegator_reply_counts(calendar, root, &kind)
        } else {
            counts(calendar, root, rule.path)
        };
        for found in found_counts {
            if !rule.presence.allows(found) {
                problems.push(PresenceProblem {
                    method: method.clone(),
                    path: rule.path.to_string(),
                    found,
                    presence: rule.presence,
                    section: rule.section.to_string(),
                });
            }
        }
    }
    problems
}

fn children<'a>(
    calendar: &'a ICalendar,
    parent: &'a ICalendarComponent,
) -> impl Iterator<Item = &'a ICalendarComponent> {
    parent.component_ids.iter().filter_map(|&i| calendar.components.get(i as usize))
}

/// How often the path's last segment occurs in each component its
/// leading segments name (one count per such component). `METHOD` and
/// `VCALENDAR/…` are counted on the calendar; a single segment counts
/// top-level components; `VALARM/…` looks at alarms at any depth.
fn counts(calendar: &ICalendar, root: &ICalendarComponent, path: &str) -> Vec<usize> {
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        ["METHOD"] => vec![property_count(root, "METHOD")],
        ["VCALENDAR", property] => vec![property_count(root, property)],
        [component] if is_extension(component) => Vec::new(),
        [component] => {
            vec![children(calendar, root).filter(|c| c.component_type.as_str() == *component).count()]
        }
        [.., last] if is_extension(last) => Vec::new(),
        ["VALARM", property] => calendar
            .components
            .iter()
            .filter(|c| c.component_type.as_str() == "VALARM")
            .map(|c| property_count(c, property))
            .collect(),
        [first, rest @ ..] => {
            let mut scope: Vec<&ICalendarComponent> =
                children(calendar, root).filter(|c| c.component_type.as_str() == *first).collect();
            let (last, middle) = rest.split_last().expect("at least two segments");
            for segment in middle {
                scope = scope
                    .into_iter()
                    .flat_map(|c| children(calendar, c).filter(|k| k.component_type.as_str() == *segment))
                    .collect();
            }
            scope
                .into_iter()
                .map(|c| {
                    if is_component_name(last) {
                        children(calendar, c).filter(|k| k.component_type.as_str() == *last).count()
                    } else {
                        property_count(c, last)
                    }
                })
                .collect()
        }
        [] => Vec::new(),
    }
}

/// ATTENDEE counts in a REPLY, where a delegator's REPLY also names its
/// delegate (RFC 5546 §4.2.5 (B), ITIP-DEL-2): the delegate's line, with
/// DELEGATED-FROM, is not counted when a line in the same component has
/// PARTSTAT=DELEGATED. The RFC's own tables say exactly one ATTENDEE;
/// its examples and §3.2.2.3 require the second.
fn delegator_reply_counts(calendar: &ICalendar, root: &ICalendarComponent, kind: &str) -> Vec<usize> {
    use crate::Participant;
    children(calendar, root)
        .filter(|c| c.component_type.as_str() == kind)
        .map(|c| {
            let lines: Vec<Participant> =
                c.properties(&ICalendarProperty::Attendee).filter_map(Participant::from_entry).collect();
            let delegators: Vec<_> = lines
                .iter()
                .filter(|p| p.partstat == crate::PartStat::Delegated)
                .map(|p| p.address.clone())
                .collect();
            lines.iter().filter(|p| !p.delegated_from.iter().any(|d| delegators.contains(d))).count()
        })
        .collect()
}

fn property_count(component: &ICalendarComponent, name: &str) -> usize {
    component.entries.iter().filter(|e| e.name.as_str().eq_ignore_ascii_case(name)).count()
}

fn is_extension(segment: &str) -> bool {
    matches!(segment, "IANA-PROPERTY" | "X-PROPERTY" | "IANA-COMPONENT" | "X-COMPONENT")
}

fn is_component_name(segment: &str) -> bool {
    matches!(
        segment,
        "VEVENT" | "VTODO" | "VJOURNAL" | "VFREEBUSY" | "VTIMEZONE" | "VALARM" | "STANDARD" | "DAYLIGHT"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The carried set, and the membership test, read straight from the
    /// whole table for every kind and METHOD, with the wanted lists the
    /// composers use and none: the rows the table requires (ATTENDEE
    /// aside) in table order, then each wanted property the table does
    /// not forbid, once.
    #[test]
    fn the_carried_set_is_what_the_table_requires_and_allows() {
        use ICalendarProperty as P;
        let all = [
            P::Dtstamp,
            P::Organizer,
            P::Uid,
            P::Sequence,
            P::RecurrenceId,
            P::Dtstart,
            P::Dtend,
            P::Duration,
            P::Summary,
            P::Attendee,
            P::Comment,
            P::Location,
            P::Rrule,
            P::RequestStatus,
            P::Status,
        ];
        let wanted_lists: [&[P]; 5] = [
            &[],
            &[P::RecurrenceId],
            crate::itip::compose::REPLY_DETAILS,
            &[P::Attendee, P::Rrule, P::Sequence],
            &[P::Summary, P::Summary],
        ];
        let kinds = crate::model::ComponentKind::ALL.map(|k| k.as_str());
        for kind in kinds.into_iter().chain(["VALARM"]) {
            for method in crate::Method::ALL.map(|m| m.as_str()) {
                let rows: Vec<(P, Presence)> = whole_table_rows(kind, method)
                    .into_iter()
                    .filter_map(|(p, presence)| Some((p?, presence)))
                    .collect();
                for wanted in wanted_lists {
                    let mut expected: Vec<P> = rows
                        .iter()
                        .filter(|(p, presence)| {
                            matches!(presence, Presence::One | Presence::OneOrMore) && *p != P::Attendee
                        })
                        .map(|(p, _)| p.clone())
                        .collect();
                    for p in wanted {
                        let allowed = rows.iter().any(|(q, presence)| q == p && *presence != Presence::Never);
                        if allowed && !expected.contains(p) {
                            expected.push(p.clone());
                        }
                    }
                    assert_eq!(carried(kind, method, wanted), expected, "{kind} {method} {wanted:?}");
                    let test = Carried::of(kind, method, wanted);
                    for p in &all {
                        assert_eq!(test.contains(p), expected.contains(p), "{kind} {method} {p:?}");
                    }
                }
            }
        }
    }

    /// Each kind and METHOD's rows stand together in the table, as the
    /// lazy reading of one pair assumes.
    #[test]
    fn each_pairs_rows_are_contiguous() {
        let pairs: Vec<(&str, &str)> = rules().iter().map(|r| (r.component, r.method)).collect();
        let mut seen = std::collections::BTreeSet::new();
        for (i, pair) in pairs.iter().enumerate() {
            if i == 0 || pairs[i - 1] != *pair {
                assert!(seen.insert(*pair), "the rows of {pair:?} are split");
            }
        }
    }

    /// What is read for one kind and METHOD is what that pair's property
    /// rows of the whole table say, for every pair the table has; a pair
    /// it lacks has nothing.
    #[test]
    fn each_pairs_sets_are_read_from_its_rows_of_the_whole_table() {
        let mut pairs: Vec<(&str, &str)> = rules().iter().map(|r| (r.component, r.method)).collect();
        pairs.dedup();
        let mut seen = 0;
        for (kind, method) in pairs.into_iter().filter(|(kind, _)| *kind != "COMMON") {
            let rows = whole_table_rows(kind, method);
            let required: Vec<ICalendarProperty> = rows
                .iter()
                .filter(|(_, presence)| matches!(presence, Presence::One | Presence::OneOrMore))
                .filter_map(|(p, _)| p.clone())
                .filter(|p| *p != ICalendarProperty::Attendee)
                .collect();
            let mut allowed: Vec<ICalendarProperty> = Vec::new();
            for (p, _) in rows.iter().filter(|(_, presence)| *presence != Presence::Never) {
                if let Some(p) = p.clone().filter(|p| !allowed.contains(p)) {
                    allowed.push(p);
                }
            }
            let table = component_properties(kind, method);
            assert!(!table.required.is_empty(), "{kind} {method}");
            assert_eq!(table.required, required, "{kind} {method}");
            assert_eq!(table.allowed, allowed, "{kind} {method}");
            seen += 1;
        }
        assert_eq!(seen, 22, "every kind and METHOD the tables list");
        assert!(component_properties("VJOURNAL", "REPLY").allowed.is_empty());
        assert!(component_properties("VEVENT", "NOPE").allowed.is_empty());
    }

    /// The property rows of `kind` and `method`, read from the whole
    /// table ([`rules`]) rather than by [`component_properties`].
    fn whole_table_rows(kind: &str, method: &str) -> Vec<(Option<ICalendarProperty>, Presence)> {
        rules()
            .iter()
            .filter(|r| r.component == kind && r.method == method)
            .filter_map(|r| Some((r.path.strip_prefix(kind)?.strip_prefix('/')?, r.presence)))
            .filter(|(name, _)| !is_component_name(name) && !is_extension(name))
            .map(|(name, presence)| {
                (<ICalendarProperty as calcard::common::IanaParse>::parse(name.as_bytes()), presence)
            })
            .collect()
    }

    fn calendar(text: &str) -> ICalendar {
        ICalendar::parse(text.replace('\n', "\r\n")).unwrap()
    }

    #[test]
    fn the_tables_are_read_whole() {
        let rules = rules();
        assert!(rules.len() > 800, "{}", rules.len());
        for kind in ["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY"] {
            assert!(rules.iter().any(|r| r.component == kind && r.path == format!("{kind}/UID")), "{kind}");
        }
    }

    #[test]
    fn a_valid_request_passes_and_a_broken_one_names_each_rule() {
        let good = calendar(
            "BEGIN:VCALENDAR\nPRODID:-//x//EN\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:1\n\
             DTSTAMP:20250301T090000Z\nDTSTART:20250310T090000Z\nSUMMARY:s\nORGANIZER:mailto:a@example.com\n\
             ATTENDEE:mailto:b@example.com\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT5M\nEND:VALARM\n\
             END:VEVENT\nEND:VCALENDAR\n",
        );
        assert_eq!(check(&good), Vec::new());
        let bad = calendar(
            "BEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:1\nDTSTAMP:20250301T090000Z\n\
             DTSTART:20250310T090000Z\nSUMMARY:s\nORGANIZER:mailto:a@example.com\nREQUEST-STATUS:2.0;Success\n\
             BEGIN:VALARM\nTRIGGER:-PT5M\nEND:VALARM\nEND:VEVENT\nEND:VCALENDAR\n",
        );
        let found: Vec<String> = check(&bad).iter().map(|p| p.path.clone()).collect();
        assert_eq!(
            found,
            ["VCALENDAR/PRODID", "VALARM/ACTION", "VEVENT/ATTENDEE", "VEVENT/REQUEST-STATUS"],
            "{:?}",
            check(&bad)
        );
    }

    #[test]
    fn a_message_without_method_is_one_problem() {
        let published =
            calendar("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nEND:VCALENDAR\n");
        let problems = check(&published);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "METHOD");
    }
}
