//! The crash reproducers the fuzzers found (`fuzz/regressions/TARGET/`),
//! replayed as ordinary tests, so `cargo test` guards them without
//! cargo-fuzz. Each runs what its fuzz target runs and must not panic.
//! (`fuzz/run.sh` replays them through the fuzz targets as well.)

use imip_core::freebusy::FreeBusyConfig;
use imip_core::imip::{MailLimits, extract};
use imip_core::*;
use std::path::{Path, PathBuf};

fn reproducers(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions").join(target);
    let mut found: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    found.sort();
    found
}

#[test]
fn deliver_mail_reproducers_are_delivered_and_the_store_checks_clean() {
    for path in reproducers("deliver_mail") {
        let data = std::fs::read(&path).unwrap();
        let engine = Engine::new(Config::default()).unwrap();
        let principal = CalAddress::parse("bob@example.com").unwrap();
        let now = Timestamp::from_seconds(1_740_000_000);
        let mut ids = SeqIds::new("f");
        let mut env = Env::new(now, &mut ids);
        let (mut store, mut transport) = (MemStore::new(), RecordingTransport::default());
        let limits = MailLimits::default();
        drive::deliver_mail(&engine, &mut env, &mut store, &mut transport, &principal, &data, &limits)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let report = admin::check(&store, &FreeBusyConfig::default(), now).unwrap();
        assert!(report.is_clean(), "{}: {report:?}", path.display());
    }
}

#[test]
fn mime_extract_reproducers_extract() {
    for path in reproducers("mime_extract") {
        let data = std::fs::read(&path).unwrap();
        // As the fuzz target: every extracted part, written out, parses
        // again as the same object.
        if let Ok(mail) = extract(&data, &MailLimits::default()) {
            for part in &mail.parts {
                let text = part.object.to_ics();
                let again = imip_core::SchedulingObject::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: written out, it does not parse: {e}", path.display()));
                assert_eq!(again.uid(), part.object.uid(), "{}", path.display());
            }
        }
    }
}
