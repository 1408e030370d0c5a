//! A simulated set of participants for end-to-end tests: every principal
//! lives in one in-memory store, and every mail sent is delivered by
//! parsing its bytes again (render → extract), like a real mail system.
#![allow(dead_code, unreachable_pub)]

use imip_core::drive::{self, MailReport, Report};
use imip_core::imip::MailLimits;
use imip_core::*;

pub struct World {
    pub engine: Engine,
    pub store: MemStore,
    pub transport: RecordingTransport,
    pub ids: SeqIds,
    pub now: Timestamp,
    delivered: usize,
}

pub fn addr(a: &str) -> CalAddress {
    CalAddress::parse(a).unwrap_or_else(|| panic!("bad address {a}"))
}

impl World {
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Self {
        World {
            engine: Engine::new(config).unwrap(),
            store: MemStore::new(),
            transport: RecordingTransport::default(),
            ids: SeqIds::new("t"),
            now: Timestamp::parse_utc("20250301T100000Z").unwrap(),
            delivered: 0,
        }
    }

    pub fn at(&mut self, when: &str) {
        self.now = Timestamp::parse_utc(when).unwrap();
    }

    pub fn act(&mut self, who: &str, action: LocalAction) -> Report {
        let input = Input::Local { principal: addr(who), action };
        let mut env = Env::new(self.now, &mut self.ids);
        drive::run_once(&self.engine, &mut env, &mut self.store, &mut self.transport, &input).unwrap()
    }

    /// The principal saves a new version of an object (organizer or attendee).
    pub fn save(&mut self, who: &str, ics: &str) -> Report {
        self.act(who, LocalAction::Save(SchedulingObject::parse(ics).unwrap()))
    }

    /// An iTIP message arrives for `who`, sent by `from`.
    pub fn receive(&mut self, who: &str, from: &str, ics: &str) -> Report {
        let input = Input::Incoming(Incoming {
            principal: addr(who),
            senders: vec![addr(from)],
            message: SchedulingObject::parse(ics).unwrap(),
        });
        let mut env = Env::new(self.now, &mut self.ids);
        drive::run_once(&self.engine, &mut env, &mut self.store, &mut self.transport, &input).unwrap()
    }

    /// A raw mail arrives for `who`.
    pub fn receive_mail(&mut self, who: &str, raw: &[u8]) -> MailReport {
        let mut env = Env::new(self.now, &mut self.ids);
        drive::deliver_mail(
            &self.engine,
            &mut env,
            &mut self.store,
            &mut self.transport,
            &addr(who),
            raw,
            &MailLimits::default(),
        )
        .unwrap()
    }

    /// Mail sent since the last call.
    pub fn outgoing(&mut self) -> Vec<OutgoingMail> {
        let new = self.transport.sent[self.delivered..].to_vec();
        self.delivered = self.transport.sent.len();
        new
    }

    /// Delivers every mail sent since the last call to each recipient,
    /// repeatedly, until the network is quiet. Returns what happened.
    pub fn deliver_all(&mut self) -> Vec<(String, String)> {
        let mut log = Vec::new();
        for _ in 0..10 {
            let batch = self.outgoing();
            if batch.is_empty() {
                break;
            }
            for mail in batch {
                for rcpt in &mail.recipients {
                    let report = self.receive_mail(rcpt.as_str(), &mail.bytes);
                    let what = report
                        .parts
                        .iter()
                        .map(|r| r.outcome.disposition.to_string())
                        .collect::<Vec<_>>()
                        .join("; ");
                    log.push((rcpt.to_string(), what));
                }
            }
        }
        log
    }

    pub fn object(&self, who: &str, uid: &str) -> SchedulingObject {
        self.store.object(&addr(who), uid).unwrap_or_else(|| panic!("{who} holds no {uid}")).clone()
    }

    pub fn has(&self, who: &str, uid: &str) -> bool {
        self.store.object(&addr(who), uid).is_some()
    }

    pub fn partstat(&self, who: &str, uid: &str, attendee: &str) -> PartStat {
        let object = self.object(who, uid);
        object.attendee(&addr(attendee)).unwrap_or_else(|| panic!("{attendee} not in {who}'s copy")).partstat
    }

    pub fn sequence(&self, who: &str, uid: &str) -> i64 {
        self.object(who, uid).max_sequence()
    }

    pub fn record(&self, who: &str, uid: &str) -> Record {
        self.store.record(&addr(who), uid).cloned().unwrap_or_default()
    }
}

/// A VEVENT object. `body` is extra content lines (CRLF added).
pub fn vevent(method: Option<&str>, body: &[&str]) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nPRODID:-//test//test//EN\r\nVERSION:2.0\r\n");
    if let Some(method) = method {
        out.push_str(&format!("METHOD:{method}\r\n"));
    }
    out.push_str("BEGIN:VEVENT\r\n");
    for line in body {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    out
}

/// Several VEVENT components in one object.
pub fn vevents(method: Option<&str>, components: &[&[&str]]) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nPRODID:-//test//test//EN\r\nVERSION:2.0\r\n");
    if let Some(method) = method {
        out.push_str(&format!("METHOD:{method}\r\n"));
    }
    for body in components {
        out.push_str("BEGIN:VEVENT\r\n");
        for line in *body {
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// Alice's meeting with Bob and Carol, as her client saves it.
pub fn meeting(uid: &str, start: &str, end: &str) -> String {
    vevent(
        None,
        &[
            &format!("UID:{uid}"),
            "DTSTAMP:20250301T090000Z",
            &format!("DTSTART:{start}"),
            &format!("DTEND:{end}"),
            "SUMMARY:Planning",
            "ORGANIZER;CN=Alice:mailto:alice@example.com",
            "ATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:alice@example.com",
            "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com",
            "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.com",
        ],
    )
}

/// A weekly series organized by Alice with Bob.
pub fn weekly(uid: &str, extra: &[&str]) -> String {
    let mut body = vec![
        format!("UID:{uid}"),
        "DTSTAMP:20250301T090000Z".to_string(),
        "DTSTART;TZID=Europe/Berlin:20250303T100000".to_string(),
        "DTEND;TZID=Europe/Berlin:20250303T110000".to_string(),
        "RRULE:FREQ=WEEKLY;COUNT=10".to_string(),
        "SUMMARY:Weekly sync".to_string(),
        "ORGANIZER:mailto:alice@example.com".to_string(),
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com".to_string(),
    ];
    body.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = body.iter().map(String::as_str).collect();
    vevent(None, &refs)
}

/// The text/calendar body of a rendered mail.
pub fn calendar_of(mail: &OutgoingMail) -> String {
    let found = imip_core::imip::extract(&mail.bytes, &MailLimits::default()).unwrap();
    found.parts[0].object.to_ics()
}

pub fn method_of(mail: &OutgoingMail) -> Method {
    imip_core::imip::extract(&mail.bytes, &MailLimits::default()).unwrap().parts[0].method
}
