//! A simulated set of participants: one in-memory store, one engine, and
//! a mail loop that delivers each outgoing message to its recipients
//! through the same driver and MIME path the CLI uses.

use calcard::icalendar::ICalendar;
use imip_core::freebusy::{FreeBusyConfig, PeriodSet, busy_time};
use imip_core::imip::{AutoSubmitted, MailLimits, extract, render};
use imip_core::resource::Directory;
use imip_core::{
    CalAddress, Config, Engine, Env, InstanceId, ItipMessage, LocalAction, MemStore, Method, OutgoingMail,
    PartStat, RecordingTransport, SchedulingObject, SeqIds, Store, Timestamp, drive,
};
use std::collections::{BTreeSet, VecDeque};

/// Most mails one action may set moving (a guard against ping-pong).
const MAX_MAILS_PER_ACTION: usize = 200;

/// The participants, their agents and the mail between them.
pub struct World {
    engine: Engine,
    store: MemStore,
    transport: RecordingTransport,
    ids: SeqIds,
    now: Timestamp,
    agents: BTreeSet<CalAddress>,
    last_delivered: Vec<OutgoingMail>,
}

fn addr(text: &str) -> Result<CalAddress, String> {
    CalAddress::parse(text).ok_or_else(|| format!("not an address: {text:?}"))
}

fn partstat(text: &str) -> Result<PartStat, String> {
    PartStat::parse(text).ok_or_else(|| format!("not a PARTSTAT: {text:?}"))
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// A world with no agents, at the Unix epoch.
    pub fn new() -> World {
        World {
            engine: Engine::new(Config::default()).expect("the default configuration is valid"),
            store: MemStore::new(),
            transport: RecordingTransport::default(),
            ids: SeqIds::new("scenario"),
            now: Timestamp::from_seconds(0),
            agents: BTreeSet::new(),
            last_delivered: Vec::new(),
        }
    }

    /// Runs one directive (not an expectation). Returns the transcript
    /// of what it set moving, for a following `=> sent`.
    pub fn directive(&mut self, head: &str, payload: &str) -> Result<Option<String>, String> {
        let words: Vec<&str> = head.split_whitespace().collect();
        match words.as_slice() {
            ["time", at] => {
                self.now = Timestamp::parse_utc(at).ok_or_else(|| format!("not a UTC time: {at}"))?;
                Ok(None)
            }
            ["agents", list @ ..] => {
                for who in list {
                    self.agents.insert(addr(who.trim_end_matches(','))?);
                }
                Ok(None)
            }
            ["pref", who, key] => {
                self.store.set_pref(&addr(who)?, key, Some(payload.trim_end())).map_err(|e| e.to_string())?;
                Ok(None)
            }
            ["pref", who, key, value @ ..] => {
                self.store.set_pref(&addr(who)?, key, Some(&value.join(" "))).map_err(|e| e.to_string())?;
                Ok(None)
            }
            [who, "sends"] => self.send_raw(&addr(who)?, None, payload).map(Some),
            [who, "client", "sends"] => self.client_sends(&addr(who)?, None, payload).map(Some),
            [who, "client", "sends", "to", list @ ..] => {
                let to = list.iter().map(|a| addr(a.trim_end_matches(','))).collect::<Result<_, _>>()?;
                self.client_sends(&addr(who)?, Some(to), payload).map(Some)
            }
            [who, "sends", "to", list @ ..] => {
                let to = list.iter().map(|a| addr(a.trim_end_matches(','))).collect::<Result<Vec<_>, _>>()?;
                self.send_raw(&addr(who)?, Some(to), payload).map(Some)
            }
            [who, "mails", "to", list @ ..] => {
                let to = list.iter().map(|a| addr(a.trim_end_matches(','))).collect::<Result<Vec<_>, _>>()?;
                self.mail_raw(addr(who)?, to, payload).map(Some)
            }
            [who, "saves"] => {
                let object = SchedulingObject::parse(payload).map_err(|e| e.to_string())?;
                self.act(&addr(who)?, LocalAction::Save(object)).map(Some)
            }
            [who, "counters"] => {
                let proposal = SchedulingObject::parse(payload).map_err(|e| e.to_string())?;
                self.act(&addr(who)?, LocalAction::Counter { proposal, comment: None }).map(Some)
            }
            [who, "answers", answer, uid] => {
                let action = LocalAction::Respond {
                    uid: uid.to_string(),
                    instance: None,
                    partstat: partstat(answer)?,
                    comment: None,
                };
                self.act(&addr(who)?, action).map(Some)
            }
            [who, "answers", answer, uid, instance] => {
                let start =
                    Timestamp::parse_utc(instance).ok_or_else(|| format!("not a UTC time: {instance}"))?;
                let action = LocalAction::Respond {
                    uid: uid.to_string(),
                    instance: Some(InstanceId::occurrence(start)),
                    partstat: partstat(answer)?,
                    comment: None,
                };
                self.act(&addr(who)?, action).map(Some)
            }
            [who, "deletes", uid] => {
                self.act(&addr(who)?, LocalAction::Delete { uid: uid.to_string() }).map(Some)
            }
            [who, "refreshes", uid] => {
                self.act(&addr(who)?, LocalAction::Refresh { uid: uid.to_string() }).map(Some)
            }
            [who, "delegates", uid, "to", to] => {
                let action = LocalAction::Delegate { uid: uid.to_string(), to: addr(to)?, comment: None };
                self.act(&addr(who)?, action).map(Some)
            }
            [who, "accepts-counter", uid, "from", from] => {
                let action = LocalAction::AcceptCounter { uid: uid.to_string(), from: addr(from)? };
                self.act(&addr(who)?, action).map(Some)
            }
            [who, "declines-counter", uid, "from", from] => {
                let action =
                    LocalAction::DeclineCounter { uid: uid.to_string(), from: addr(from)?, comment: None };
                self.act(&addr(who)?, action).map(Some)
            }
            ["resources"] => {
                let directory = Directory::from_toml(payload).map_err(|e| e.to_string())?;
                let config = Config { resources: directory, ..Config::default() };
                self.engine = Engine::new(config).map_err(|e| e.to_string())?;
                Ok(None)
            }
            [who, "approves", uid] => {
                self.act(&addr(who)?, LocalAction::Approve { uid: uid.to_string() }).map(Some)
            }
            [who, "expires-offers"] => {
                let count = drive::expire_offers(&mut self.store, &addr(who)?, self.now)
                    .map_err(|e| e.to_string())?;
                Ok(Some(format!("{who}: {count} offer(s) expired\n")))
            }
            [who, "extends-horizon"] => {
                let (_, count) = drive::extend_horizon(&self.engine, &mut self.store, &addr(who)?, self.now)
                    .map_err(|e| e.to_string())?;
                Ok(Some(format!("{who}: re-expanded {count} object(s)\n")))
            }
            _ => Err(format!("unknown directive {head:?}")),
        }
    }

    /// What an expectation looks at, as text.
    pub fn observe(&self, head: &str) -> Result<String, String> {
        let words: Vec<&str> = head.split_whitespace().collect();
        match words.as_slice() {
            ["=>", "store", who, uid] => {
                let record = self.store.load(&addr(who)?, uid).map_err(|e| e.to_string())?.value;
                let mut out = match &record.object {
                    Some(object) => object.to_ics().replace("\r\n", "\n"),
                    None => "(no object)\n".to_string(),
                };
                if let Some(pending) = &record.pending {
                    out.push_str(&format!("pending: {}\n", pending.kind));
                }
                for (from, counter) in &record.counters {
                    out.push_str(&format!(
                        "counter from {from}:\n{}",
                        counter.to_ics().replace("\r\n", "\n")
                    ));
                }
                Ok(out)
            }
            ["=>", "freebusy", who, window] => {
                let (from, to) = window.split_once('/').ok_or("a window reads FROM/TO")?;
                let parse = |t: &str| Timestamp::parse_utc(t).ok_or_else(|| format!("not a UTC time: {t}"));
                let busy = busy_time(
                    &self.store,
                    &addr(who)?,
                    parse(from)?,
                    parse(to)?,
                    &FreeBusyConfig::default(),
                    self.now,
                )
                .map_err(|e| e.to_string())?;
                if busy.is_empty() {
                    return Ok("free\n".into());
                }
                Ok(busy.iter().map(|e| format!("{} {}/{}\n", e.fbtype.as_str(), e.start, e.end)).collect())
            }
            ["=>", "periods", who, set] => {
                let set = PeriodSet::from_key(set).ok_or_else(|| format!("not a period set: {set}"))?;
                let all = self
                    .store
                    .periods(
                        &addr(who)?,
                        &set,
                        Timestamp::from_seconds(i64::MIN),
                        Timestamp::from_seconds(i64::MAX),
                    )
                    .map_err(|e| e.to_string())?;
                if all.is_empty() {
                    return Ok("none\n".into());
                }
                Ok(all
                    .iter()
                    .map(|p| {
                        let rid = p.recurrence_id.map(|r| format!(" RECURRENCE-ID {r}")).unwrap_or_default();
                        format!("{} {}/{} {}{rid}\n", p.fbtype.as_str(), p.start, p.end, p.uid)
                    })
                    .collect())
            }
            _ => Err(format!("unknown expectation {head:?}")),
        }
    }

    /// The shared store of every agent (for invariant checks).
    pub fn store(&self) -> &MemStore {
        &self.store
    }

    /// How many mails the agents have sent so far.
    pub fn mails_sent(&self) -> usize {
        self.transport.sent.len()
    }

    /// The clock.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Delivers once more one of the mails the last action set moving
    /// (the `pick`-th, modulo their number), as a mail system that
    /// retries after a lost acknowledgement would. Returns the
    /// transcript, or `None` when the last action sent no mail.
    pub fn redeliver(&mut self, pick: usize) -> Result<Option<String>, String> {
        if self.last_delivered.is_empty() {
            return Ok(None);
        }
        let mail = self.last_delivered[pick % self.last_delivered.len()].clone();
        let mut transcript = String::new();
        let kept = std::mem::take(&mut self.last_delivered);
        let result = self.flow(VecDeque::from([(mail, Sender::Other)]), &mut transcript);
        self.last_delivered = kept;
        result?;
        Ok(Some(transcript))
    }

    /// A local action by an agent's principal, then the mail it causes.
    fn act(&mut self, who: &CalAddress, action: LocalAction) -> Result<String, String> {
        self.run(imip_core::Input::Local { principal: who.clone(), action })
    }

    /// Runs an input of an agent's principal, then delivers what it sent.
    fn run(&mut self, input: imip_core::Input) -> Result<String, String> {
        let who = &input.principal().clone();
        if !self.agents.contains(who) {
            return Err(format!("{who} has no agent; list it in `agents`"));
        }
        let before = self.transport.sent.len();
        let mut env = Env::new(self.now, &mut self.ids);
        let report = drive::run_once(&self.engine, &mut env, &mut self.store, &mut self.transport, &input)
            .map_err(|e| e.to_string())?;
        let mut transcript = format!("{who}: {}\n", report.outcome.disposition);
        for line in report.outcome.trace.iter().filter(|l| l.starts_with("policy ")) {
            transcript.push_str(&format!("{who}: {line}\n"));
        }
        for notice in report.outcome.notices() {
            transcript.push_str(&format!("{who} is told: {}\n", notice.text));
        }
        let queue = self.transport.sent[before..].iter().map(|m| (m.clone(), Sender::Agent)).collect();
        self.flow(queue, &mut transcript)?;
        Ok(transcript)
    }

    /// A message an agent's principal sends with their own mail client:
    /// their person-outgoing agent records it first
    /// ([`imip_core::Input::Sent`]), then it is delivered like any mail.
    fn client_sends(
        &mut self,
        from: &CalAddress,
        to: Option<Vec<CalAddress>>,
        payload: &str,
    ) -> Result<String, String> {
        let object = SchedulingObject::parse(payload).map_err(|e| e.to_string())?;
        let mut transcript = self.run(imip_core::Input::Sent { principal: from.clone(), message: object })?;
        transcript = transcript.replacen(&format!("{from}: "), &format!("{from} (outgoing): "), 1);
        transcript.push_str(&self.send_raw(from, to, payload)?);
        Ok(transcript)
    }

    /// A message a participant's own software sends (not an imip agent):
    /// rendered as iMIP mail and delivered.
    fn send_raw(
        &mut self,
        from: &CalAddress,
        to: Option<Vec<CalAddress>>,
        payload: &str,
    ) -> Result<String, String> {
        let object = SchedulingObject::parse(payload).map_err(|e| e.to_string())?;
        let method = object.method().ok_or("a sent message needs METHOD")?;
        let to = match to {
            Some(to) => to,
            None => default_recipients(&object, method, from),
        };
        if to.is_empty() {
            return Err("no recipients: add `sends to ADDR`".into());
        }
        let message = ItipMessage {
            method,
            from: from.clone(),
            to,
            uid: object.uid().to_string(),
            title: "scenario".into(),
            significant: true,
            explanation: String::new(),
            calendar: ICalendar::parse(payload).map_err(|_| "unparseable iCalendar")?,
        };
        let mut env = Env::new(self.now, &mut self.ids);
        let mail = render(&message, &mut env, AutoSubmitted::AutoGenerated, &Default::default());
        let mut transcript = String::new();
        self.flow(VecDeque::from([(mail, Sender::Other)]), &mut transcript)?;
        Ok(transcript)
    }

    /// A whole RFC 5322 message, as some mail system produced it, sent by
    /// `from` (the SMTP envelope) to `to`. In the payload a line holding only `~` stands
    /// for an empty line (the scenario format has none), and
    /// `{message-id to ADDR}` for the Message-ID of the last mail an agent
    /// sent to ADDR (a bounce quotes it).
    fn mail_raw(&mut self, from: CalAddress, to: Vec<CalAddress>, payload: &str) -> Result<String, String> {
        let mut text = payload.to_string();
        while let Some(start) = text.find("{message-id to ") {
            let end = text[start..].find('}').ok_or("an unclosed {message-id to …}")? + start;
            let address = addr(&text[start + "{message-id to ".len()..end])?;
            let id = self
                .transport
                .sent
                .iter()
                .rev()
                .find(|m| m.recipients.contains(&address))
                .map(|m| m.message_id.clone())
                .ok_or_else(|| format!("no mail was sent to {address}"))?;
            text.replace_range(start..=end, &id);
        }
        let bytes: Vec<u8> = text
            .split("\r\n")
            .map(|line| if line == "~" { "" } else { line })
            .collect::<Vec<_>>()
            .join("\r\n")
            .into_bytes();
        let mail = OutgoingMail {
            envelope_from: from,
            recipients: to,
            message_id: "raw".into(),
            bytes,
            undeliverable: None,
        };
        let mut transcript = String::new();
        self.flow(VecDeque::from([(mail, Sender::Other)]), &mut transcript)?;
        Ok(transcript)
    }

    /// Delivers mail until none is left, writing the transcript.
    /// Mail from an agent is held to the presence rules on the way.
    fn flow(
        &mut self,
        mut queue: VecDeque<(OutgoingMail, Sender)>,
        transcript: &mut String,
    ) -> Result<(), String> {
        let limits = MailLimits::default();
        self.last_delivered.clear();
        let mut delivered = 0;
        while let Some((mail, sender)) = queue.pop_front() {
            delivered += 1;
            if delivered > MAX_MAILS_PER_ACTION {
                return Err(format!("more than {MAX_MAILS_PER_ACTION} mails: the agents loop"));
            }
            let received = extract(&mail.bytes, &limits).map_err(|e| format!("unreadable mail: {e}"))?;
            if sender == Sender::Agent {
                check_strict(&mail.envelope_from, &mail.bytes)?;
            }
            let to: Vec<String> = mail.recipients.iter().map(|r| r.as_written().to_string()).collect();
            for part in &received.parts {
                transcript.push_str(&format!(
                    "{} -> {}: {}\n",
                    mail.envelope_from.as_written(),
                    to.join(", "),
                    part.method.as_str()
                ));
                for line in part.object.to_ics().lines() {
                    transcript.push_str(&format!("  {}\n", line.trim_end_matches('\r')));
                }
            }
            self.last_delivered.push(mail.clone());
            for recipient in &mail.recipients {
                if !self.agents.contains(recipient) {
                    continue;
                }
                let before = self.transport.sent.len();
                let mut env = Env::new(self.now, &mut self.ids);
                let report = drive::deliver_mail(
                    &self.engine,
                    &mut env,
                    &mut self.store,
                    &mut self.transport,
                    recipient,
                    &mail.bytes,
                    &limits,
                )
                .map_err(|e| e.to_string())?;
                if let Some(ignored) = &report.ignored {
                    transcript.push_str(&format!("{recipient}: ignored: {ignored}\n"));
                }
                for part in &report.parts {
                    transcript.push_str(&format!("{recipient}: {}\n", part.outcome.disposition));
                    for line in part.outcome.trace.iter().filter(|l| l.starts_with("policy ")) {
                        transcript.push_str(&format!("{recipient}: {line}\n"));
                    }
                    for notice in part.outcome.notices() {
                        transcript.push_str(&format!("{recipient} is told: {}\n", notice.text));
                    }
                }
                queue.extend(self.transport.sent[before..].iter().map(|m| (m.clone(), Sender::Agent)));
            }
        }
        Ok(())
    }
}

/// Who wrote a mail in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sender {
    /// An imip agent: held to the presence rules.
    Agent,
    /// A participant's own software, as the scenario wrote it.
    Other,
}

/// Holds a mail an agent sent to the strict checker ([`crate::strict`]:
/// the presence rules of RFC 5546 §3 and RFC 5545's grammar, over the
/// calendar text as sent): a scenario in which imip sends a message
/// that breaks them fails.
fn check_strict(envelope_from: &CalAddress, bytes: &[u8]) -> Result<(), String> {
    use mail_parser::MimeHeaders;
    let message =
        mail_parser::MessageParser::default().parse(bytes).ok_or("an agent sent an unreadable mail")?;
    for part in &message.parts {
        let is_calendar = part.content_type().is_some_and(|t| {
            t.ctype().eq_ignore_ascii_case("text")
                && t.subtype().is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
        });
        if !is_calendar {
            continue;
        }
        let text = String::from_utf8_lossy(part.contents());
        let problems = crate::strict::check_text(&text);
        if !problems.is_empty() {
            return Err(format!(
                "{envelope_from} sent a message that a strict client rejects:\n  {}\n{text}",
                problems.join("\n  ")
            ));
        }
    }
    Ok(())
}

/// Who a raw message goes to when the scenario does not say: attendee
/// methods go to the ORGANIZER; organizer methods (and VFREEBUSY
/// requests) to every ATTENDEE but the sender.
fn default_recipients(object: &SchedulingObject, method: Method, from: &CalAddress) -> Vec<CalAddress> {
    let mut to: Vec<CalAddress> = if method.from_organizer() {
        object.attendee_addresses().into_iter().filter(|a| a != from).collect()
    } else {
        object.organizer().map(|o| o.address).into_iter().collect()
    };
    to.sort();
    to.dedup();
    to
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(ics: &str) -> OutgoingMail {
        let head = "From: b@example.com\r\nTo: a@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\n\
                    Content-Type: text/calendar; method=REPLY\r\n\r\n";
        OutgoingMail {
            envelope_from: addr("b@example.com").unwrap(),
            recipients: vec![addr("a@example.com").unwrap()],
            message_id: "t@example.com".into(),
            bytes: format!("{head}{}", ics.replace('\n', "\r\n")).into_bytes(),
            undeliverable: None,
        }
    }

    #[test]
    fn a_sent_message_that_breaks_the_presence_rules_or_the_grammar_fails_the_scenario() {
        let body = "BEGIN:VCALENDAR\nPRODID:-//x//EN\nVERSION:2.0\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:1\n\
                    DTSTAMP:20250301T090000Z\nORGANIZER:mailto:a@example.com\n";
        let good =
            format!("{body}ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nEND:VEVENT\nEND:VCALENDAR\n");
        let check = |mail: OutgoingMail| check_strict(&mail.envelope_from, &mail.bytes);
        assert_eq!(check(mail(&good)), Ok(()));
        let two = format!(
            "{body}ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nATTENDEE:mailto:c@example.com\n\
             END:VEVENT\nEND:VCALENDAR\n"
        );
        let error = check(mail(&two)).unwrap_err();
        assert!(error.contains("VEVENT/ATTENDEE occurs 2 times"), "{error}");
        let quoted = format!(
            "{body}ATTENDEE;CN=\"B \\\"Q\\\"\";PARTSTAT=ACCEPTED:mailto:b@example.com\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        let error = check(mail(&quoted)).unwrap_err();
        assert!(error.contains("backslash in a quoted parameter"), "{error}");
    }
}
