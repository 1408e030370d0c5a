//! MIME → iMIP extraction → engine, for one recipient: must never panic.
#![no_main]

use imip_core::drive::deliver_mail;
use imip_core::imip::MailLimits;
use imip_core::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let engine = Engine::new(Config::default()).unwrap();
    let principal = CalAddress::parse("bob@example.com").unwrap();
    let mut ids = SeqIds::new("f");
    let mut env = Env::new(Timestamp::from_seconds(1_740_000_000), &mut ids);
    let (mut store, mut transport) = (MemStore::new(), RecordingTransport::default());
    let _ = deliver_mail(&engine, &mut env, &mut store, &mut transport, &principal, data, &MailLimits::default());
});
