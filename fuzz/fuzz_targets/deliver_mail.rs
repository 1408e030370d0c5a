//! A full delivery: MIME → iMIP extraction → engine → in-memory store, for
//! one recipient. It must never panic, and the store must check clean
//! afterwards (free/busy equals what the stored objects imply).
#![no_main]

use imip_core::drive::deliver_mail;
use imip_core::freebusy::FreeBusyConfig;
use imip_core::imip::MailLimits;
use imip_core::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let engine = Engine::new(Config::default()).unwrap();
    let principal = CalAddress::parse("bob@example.com").unwrap();
    let now = Timestamp::from_seconds(1_740_000_000);
    let mut ids = SeqIds::new("f");
    let mut env = Env::new(now, &mut ids);
    let (mut store, mut transport) = (MemStore::new(), RecordingTransport::default());
    let limits = MailLimits::default();
    if deliver_mail(&engine, &mut env, &mut store, &mut transport, &principal, data, &limits).is_ok() {
        let report = admin::check(&store, &FreeBusyConfig::default(), now).unwrap();
        assert!(report.is_clean(), "{:?}", report);
    }
});
