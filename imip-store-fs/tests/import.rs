//! Import of an imip-agent file store (layout: imip-agent.md §2.9).

use imip_core::freebusy::{FreeBusyConfig, HORIZON_PREF, PeriodSet};
use imip_core::{CalAddress, MemStore, PendingKind, Store, Timestamp};
use imip_store_fs::import::import_imip_agent;
use std::fs;
use std::path::Path;

fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, content).expect("write");
}

const EVENT: &str = "BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20250301T090000Z\nSEQUENCE:0\n\
DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\nSUMMARY:Planning\n\
ORGANIZER:mailto:alice@example.com\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\nEND:VEVENT\n";

#[test]
fn an_imip_agent_tree_becomes_records_periods_and_preferences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let bob = store.join("mailto:bob@example.com");
    write(&bob.join("objects/meeting@example.com"), &EVENT.replace("{uid}", "meeting@example.com"));
    write(&bob.join("cancellations/objects/old@example.com"), &EVENT.replace("{uid}", "old@example.com"));
    write(
        &bob.join("recurrences/meeting@example.com/20250317T140000Z"),
        &EVENT
            .replace("{uid}", "meeting@example.com")
            .replace("DTSTART:20250310T140000Z", "RECURRENCE-ID:20250317T140000Z\nDTSTART:20250317T150000Z")
            .replace("DTEND:20250310T150000Z", "DTEND:20250317T160000Z"),
    );
    write(
        &bob.join("counters/objects/meeting@example.com/mailto:carol@example.com"),
        &EVENT.replace("{uid}", "meeting@example.com"),
    );
    write(&bob.join("requests"), "meeting@example.com\t\tCOUNTER\n");
    write(
        &bob.join("freebusy-other/mailto:alice@example.com"),
        "20250311T090000Z\t20250311T100000Z\tx@example.com\tOPAQUE\t\tBusy\tmailto:alice@example.com\n\
         20250312T090000Z\t20250312T100000Z\ty@example.com\tTRANSPARENT\t\tFree\tmailto:alice@example.com\n\
         garbage line\n",
    );
    write(&bob.join("objects/broken@example.com"), "not a calendar");
    let prefs = dir.path().join("preferences");
    write(&prefs.join("mailto:bob@example.com/freebusy_sharing"), "share\n");

    let mut target = MemStore::new();
    let now = Timestamp::parse_utc("20251121T120000Z").expect("now");
    let report = import_imip_agent(&store, Some(&prefs), &mut target, &FreeBusyConfig::default(), now)
        .expect("import");
    assert_eq!((report.users, report.records, report.periods, report.preferences), (1, 2, 1, 1));
    assert_eq!(report.skipped.len(), 2, "{:?}", report.skipped);

    let bob = CalAddress::parse("bob@example.com").expect("bob");
    let meeting = target.load(&bob, "meeting@example.com").expect("load").value;
    assert_eq!(meeting.object.as_ref().map(|o| o.instance_ids().count()), Some(2));
    assert_eq!(meeting.counters.keys().map(|a| a.to_string()).collect::<Vec<_>>(), vec!["carol@example.com"]);
    let pending = meeting.pending.expect("queued");
    assert!(matches!(pending.kind, PendingKind::Counter { .. }));
    assert!(target.load(&bob, "old@example.com").expect("load").value.object.expect("kept").is_cancelled());
    let alice = PeriodSet::Other(CalAddress::parse("alice@example.com").expect("alice"));
    let ever = (Timestamp::from_seconds(i64::MIN), Timestamp::from_seconds(i64::MAX));
    assert_eq!(target.periods(&bob, &alice, ever.0, ever.1).expect("periods").len(), 1);
    assert_eq!(target.periods(&bob, &PeriodSet::Own, ever.0, ever.1).expect("own").len(), 2);
    assert_eq!(target.prefs(&bob).expect("prefs").get("freebusy_sharing").map(String::as_str), Some("share"));
    let horizon = FreeBusyConfig::default().horizon_at(now).to_ical();
    assert_eq!(target.prefs(&bob).expect("prefs").get(HORIZON_PREF), Some(&horizon));
    let later = Timestamp::from_seconds(now.seconds() + 86_400 * 30);
    assert!(imip_core::admin::check(&target, &FreeBusyConfig::default(), later).expect("check").is_clean());
}

/// The import reports its progress after each user, ending at all of
/// them (the CLI draws its bar from it).
#[test]
fn the_import_reports_progress_per_user() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    for user in ["alice", "bob", "carol"] {
        write(
            &store.join(format!("mailto:{user}@example.com")).join("objects/meeting@example.com"),
            &EVENT.replace("{uid}", "meeting@example.com"),
        );
    }
    let mut target = imip_core::MemStore::new();
    let now = imip_core::Timestamp::parse_utc("20250301T090000Z").unwrap();
    let mut seen = Vec::new();
    let report = imip_store_fs::import::import_imip_agent_with_progress(
        &store,
        None,
        &mut target,
        &FreeBusyConfig::default(),
        now,
        &mut |done, total, records| seen.push((done, total, records)),
    )
    .expect("import");
    assert_eq!(report.users, 3);
    assert_eq!(seen.first(), Some(&(0, 3, 0)));
    assert_eq!(seen.last(), Some(&(3, 3, report.records)));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].2 <= w[1].2), "{seen:?}");
}
