//! Processes one mail for one recipient with an in-memory store and
//! prints the decision: the smallest embedding of imip-core.
//!
//! `cargo run -p examples --example process_one -- bob@example.com examples/mail/request.eml`

use imip_core::drive::deliver_mail;
use imip_core::imip::MailLimits;
use imip_core::{CalAddress, Config, Engine, Env, MemStore, RecordingTransport, SeqIds, Timestamp};

fn main() {
    let mut args = std::env::args().skip(1);
    let principal = args.next().and_then(|a| CalAddress::parse(&a)).expect("first argument: an address");
    let path = args.next().unwrap_or_else(|| "examples/mail/request.eml".into());
    let raw = std::fs::read(&path).expect("readable mail file");
    let engine = Engine::new(Config::default()).expect("default configuration is valid");
    let mut ids = SeqIds::new("example");
    let mut env = Env::new(Timestamp::parse_utc("20250301T100000Z").expect("valid time"), &mut ids);
    let (mut store, mut transport) = (MemStore::new(), RecordingTransport::default());
    let report =
        deliver_mail(&engine, &mut env, &mut store, &mut transport, &principal, &raw, &MailLimits::default())
            .expect("the in-memory store does not fail");
    for part in report.parts {
        println!("{}", part.outcome.disposition);
    }
    println!("{} mail(s) sent", transport.sent.len());
}
