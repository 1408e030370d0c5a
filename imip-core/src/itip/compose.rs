//! Building the iCalendar body of outgoing messages.
//!
//! Every body passes through here, so the transport rules hold for all:
//! METHOD set, PRODID and VERSION present, VTIMEZONEs copied for every
//! TZID used (RFC 5546 §3 tables), VALARMs left out (they are the
//! sender's own), and RFC 6638 and imip bookkeeping parameters removed.

use crate::Timestamp;
use crate::model::component::strip_for_transport;
use crate::model::object::copy_missing_timezones;
use crate::model::{InstanceId, Method, SchedulingObject};
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarProperty, ICalendarValue,
};

/// Accumulates the components of one outgoing iTIP body.
pub(crate) struct Composer<'a> {
    source: &'a SchedulingObject,
    calendar: ICalendar,
    now: Timestamp,
}

impl<'a> Composer<'a> {
    pub(crate) fn new(source: &'a SchedulingObject, method: Method, prodid: &str, now: Timestamp) -> Self {
        let mut root = ICalendarComponent::new(ICalendarComponentType::VCalendar);
        root.entries.push(text_entry(ICalendarProperty::Prodid, prodid));
        root.entries.push(text_entry(ICalendarProperty::Version, "2.0"));
        root.entries.push(ICalendarEntry {
            name: ICalendarProperty::Method,
            params: Vec::new(),
            values: vec![ICalendarValue::Method(method.to_calcard())],
        });
        Composer { source, calendar: ICalendar { components: vec![root] }, now }
    }

    /// Adds a copy of one instance, with DTSTAMP set to now, then `edit`.
    pub(crate) fn add(&mut self, id: InstanceId, edit: impl FnOnce(&mut ICalendarComponent)) {
        self.add_only(id, |_| true, edit);
    }

    /// [`Composer::add`], copying only the properties `keep` takes (the
    /// ones `edit` can keep: a reply copies a few of many).
    pub(crate) fn add_only(
        &mut self,
        id: InstanceId,
        keep: impl Fn(&ICalendarEntry) -> bool,
        edit: impl FnOnce(&mut ICalendarComponent),
    ) {
        let Some(component) = self.source.component(id) else {
            return;
        };
        // DTSTAMP is now's, where the source's first stood (or last), as
        // `component::set_dtstamp` sets it.
        let stamp = || ICalendarEntry {
            name: ICalendarProperty::Dtstamp,
            params: Vec::new(),
            values: vec![ICalendarValue::from(self.now.to_partial())],
        };
        let mut stamped = false;
        let mut entries = Vec::new();
        for entry in component.entries.iter().filter(|e| keep(e)) {
            if entry.name == ICalendarProperty::Dtstamp && !stamped {
                entries.push(stamp());
                stamped = true;
            } else {
                entries.push(entry.clone());
            }
        }
        let mut copy = ICalendarComponent {
            component_type: component.component_type.clone(),
            entries,
            component_ids: Vec::new(),
        };
        if !stamped {
            copy.entries.push(stamp());
        }
        edit(&mut copy);
        self.add_detached(copy);
    }

    /// Adds a component built elsewhere (sub-components are not kept).
    pub(crate) fn add_detached(&mut self, mut component: ICalendarComponent) {
        strip_for_transport(&mut component);
        drop_conflicting_length(&mut component);
        encode_quotes_in_parameters(&mut component);
        component.component_ids.clear();
        let index = self.calendar.components.len() as u32;
        self.calendar.components.push(component);
        self.calendar.components[0].component_ids.push(index);
    }

    /// Whether nothing has been added.
    pub(crate) fn is_empty(&self) -> bool {
        self.calendar.components.len() == 1
    }

    pub(crate) fn finish(mut self) -> ICalendar {
        copy_missing_timezones(self.source.calendar(), &mut self.calendar);
        self.calendar
    }
}

/// DTEND (or a to-do's DUE) and DURATION are mutually exclusive (RFC 5545
/// §3.6.1, §3.6.2). Input that has both is read by its end; what imip
/// writes keeps only that end, so no client reading it has to choose.
fn drop_conflicting_length(component: &mut ICalendarComponent) {
    let has_end =
        component.entries.iter().any(|e| matches!(e.name, ICalendarProperty::Dtend | ICalendarProperty::Due));
    if has_end {
        component.entries.retain(|e| e.name != ICalendarProperty::Duration);
    }
}

/// A parameter value cannot hold a DQUOTE (RFC 5545 §3.1), and backslash
/// escapes do not exist there: RFC 6868 writes a quote as `^'`. Values
/// copied from input that carry `"` or a `\"` some client wrote are
/// written that way, so that no parser drops or truncates the line.
fn encode_quotes_in_parameters(component: &mut ICalendarComponent) {
    for entry in &mut component.entries {
        for param in &mut entry.params {
            if let calcard::icalendar::ICalendarParameterValue::Text(text) = &mut param.value
                && text.contains('"')
            {
                *text = text.replace("\\\"", "^'").replace('"', "^'");
            }
        }
    }
}

fn text_entry(name: ICalendarProperty, value: &str) -> ICalendarEntry {
    ICalendarEntry { name, params: Vec::new(), values: vec![ICalendarValue::Text(value.to_string())] }
}

/// Keeps, of a component's entries, only those `keep` accepts.
pub(crate) fn keep_properties(component: &mut ICalendarComponent, keep: &[ICalendarProperty]) {
    component.entries.retain(|e| keep.contains(&e.name));
}

/// What a REPLY tells about the instance it answers, beyond what RFC
/// 5546 §3.2.3 and §3.4.3 require: which instance, which version, and
/// its time and title, so that a person reading it knows what it is about.
pub(crate) const REPLY_DETAILS: &[ICalendarProperty] = &[
    ICalendarProperty::RecurrenceId,
    ICalendarProperty::Sequence,
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Duration,
    ICalendarProperty::Summary,
];

/// Reduces a component to what a `method` message about it carries
/// ([`crate::presence::carried`]: what the method's table requires, and
/// of `wanted`, what it allows). ATTENDEE lines go too; the caller adds
/// the ones it means.
pub(crate) fn keep_carried(component: &mut ICalendarComponent, method: Method, wanted: &[ICalendarProperty]) {
    let keep = crate::presence::Carried::of(component.component_type.as_str(), method.as_str(), wanted);
    component.entries.retain(|e| keep.contains(&e.name));
}

/// The first COMMENT's text, if any.
pub(crate) fn comment_of(component: &ICalendarComponent) -> Option<String> {
    component
        .property(&ICalendarProperty::Comment)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(str::to_string)
}

/// The first COMMENT's text, formatted for a notice (" Comment: …").
pub(crate) fn comment_suffix(component: &ICalendarComponent) -> String {
    comment_of(component).map(|c| format!(" Comment: {c}")).unwrap_or_default()
}

/// Adds a COMMENT.
pub(crate) fn add_comment(component: &mut ICalendarComponent, comment: Option<&str>) {
    if let Some(comment) = comment.filter(|c| !c.trim().is_empty()) {
        component.entries.push(text_entry(ICalendarProperty::Comment, comment));
    }
}
