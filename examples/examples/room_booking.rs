//! A room that books itself, step by step: a policy chain read from TOML,
//! two organizers asking for the same hour, and the room's answers: an
//! acceptance, then a counter-proposal for the next free hour.
//!
//! `cargo run -p examples --example room_booking`

use imip_core::drive::deliver_mail;
use imip_core::imip::{MailLimits, extract};
use imip_core::resource::Directory;
use imip_core::{CalAddress, Config, Engine, Env, MemStore, RecordingTransport, SeqIds, Timestamp};

const DIRECTORY: &str = r#"
[[resource]]
address = "room@example.com"
owner = "facilities@example.com"

[[resource.policy]]
kind = "permitted-times"   # whole quarter hours only
minutes = [0, 15, 30, 45]

[[resource.policy]]
kind = "next-available"    # busy: propose the next free slot
"#;

fn request(uid: &str, organizer: &str) -> String {
    format!(
        "From: {organizer}\r\nTo: room@example.com\r\nSubject: Booking\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nPRODID:-//example//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20250310T140000Z\r\nDTEND:20250310T150000Z\r\n\
         SUMMARY:Planning\r\nORGANIZER:mailto:{organizer}\r\nATTENDEE;RSVP=TRUE:mailto:room@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn main() {
    let directory = Directory::from_toml(DIRECTORY).expect("a valid resource directory");
    let engine = Engine::new(Config { resources: directory, ..Config::default() }).expect("valid");
    let room = CalAddress::parse("room@example.com").expect("address");
    let (mut store, mut transport) = (MemStore::new(), RecordingTransport::default());
    let mut ids = SeqIds::new("room");
    let now = Timestamp::parse_utc("20250301T100000Z").expect("time");

    for (uid, organizer) in
        [("first@example.com", "alice@example.com"), ("second@example.com", "bob@example.com")]
    {
        println!("{organizer} asks for 14:00-15:00 on 10 March:");
        let before = transport.sent.len();
        let mut env = Env::new(now, &mut ids);
        let report = deliver_mail(
            &engine,
            &mut env,
            &mut store,
            &mut transport,
            &room,
            request(uid, organizer).as_bytes(),
            &MailLimits::default(),
        )
        .expect("the in-memory store does not fail");
        for part in &report.parts {
            println!("  decision: {}", part.outcome.disposition);
            for line in part.outcome.trace.iter().filter(|l| l.starts_with("policy ")) {
                println!("  {line}");
            }
        }
        for mail in &transport.sent[before..] {
            let sent = extract(&mail.bytes, &MailLimits::default()).expect("our own mail reads back");
            for part in sent.parts {
                let ics = part.object.to_ics();
                let when: Vec<&str> =
                    ics.lines().filter(|l| l.starts_with("DTSTART") || l.starts_with("ATTENDEE")).collect();
                println!("  the room sends {} to {}: {}", part.method, mail.recipients[0], when.join(" "));
            }
        }
    }
}
