//! Embedding imip-core in another server with its own store: Alice
//! invites Bob, Bob accepts, Alice moves the meeting, all through
//! `drive::run_once` over `HashMapStore`, with the mail each step sends
//! handed from one user to the other.
//!
//! `cargo run -p examples --example custom_store`

use examples::hashmap_store::HashMapStore;
use imip_core::drive::{deliver_mail, run_once};
use imip_core::imip::MailLimits;
use imip_core::{
    CalAddress, Config, Engine, Env, Input, LocalAction, PartStat, RecordingTransport, SchedulingObject,
    SeqIds, Store, Timestamp,
};

fn meeting(start: &str, sequence: u32) -> SchedulingObject {
    let text = format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//host//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:standup@example.com\r\n\
         DTSTAMP:20250301T090000Z\r\nSEQUENCE:{sequence}\r\nDTSTART:{start}\r\nDURATION:PT30M\r\nSUMMARY:Stand-up\r\n\
         ORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    SchedulingObject::parse(&text).expect("a valid object")
}

fn main() {
    let engine = Engine::new(Config::default()).expect("the default configuration is valid");
    let alice = CalAddress::parse("alice@example.com").expect("address");
    let bob = CalAddress::parse("bob@example.com").expect("address");
    let mut store = HashMapStore::new();
    let mut transport = RecordingTransport::default();
    let mut ids = SeqIds::new("host");
    let now = Timestamp::parse_utc("20250301T100000Z").expect("time");

    // Hands every mail sent since `from` to its recipients' agents.
    let deliver =
        |store: &mut HashMapStore, transport: &mut RecordingTransport, ids: &mut SeqIds, from: usize| {
            let mails: Vec<_> = transport.sent[from..].to_vec();
            for mail in mails {
                for recipient in &mail.recipients {
                    let mut env = Env::new(now, ids);
                    let report = deliver_mail(
                        &engine,
                        &mut env,
                        store,
                        transport,
                        recipient,
                        &mail.bytes,
                        &MailLimits::default(),
                    )
                    .expect("the HashMap store does not fail");
                    for part in &report.parts {
                        println!("  {recipient}: {}", part.outcome.disposition);
                    }
                }
            }
        };

    let steps: Vec<(&str, &CalAddress, LocalAction)> = vec![
        ("Alice saves a meeting with Bob", &alice, LocalAction::Save(meeting("20250310T090000Z", 0))),
        (
            "Bob accepts",
            &bob,
            LocalAction::Respond {
                uid: "standup@example.com".into(),
                instance: None,
                partstat: PartStat::Accepted,
                comment: None,
            },
        ),
        ("Alice moves it an hour later", &alice, LocalAction::Save(meeting("20250310T100000Z", 1))),
    ];
    for (title, who, action) in steps {
        println!("{title}:");
        let before = transport.sent.len();
        let mut env = Env::new(now, &mut ids);
        let input = Input::Local { principal: who.clone(), action };
        let report = run_once(&engine, &mut env, &mut store, &mut transport, &input).expect("committed");
        println!("  {who}: {} ({} mail sent)", report.outcome.disposition, report.sent);
        deliver(&mut store, &mut transport, &mut ids, before);
    }
    let copy = store.load(&bob, "standup@example.com").expect("load").value.object.expect("Bob's copy");
    println!("\nBob's copy now:\n{}", copy.to_ics().replace("\r\n", "\n"));
}
