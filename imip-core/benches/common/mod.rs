//! The synthetic calendars the benches share.
#![allow(dead_code, unreachable_pub)] // each bench uses part of it

use imip_core::backend::Version;
use imip_core::freebusy::{BusyPeriod, FbType, PeriodSet, PeriodUpdate};
use imip_core::{CalAddress, Commit, MemStore, Store, Timestamp};

/// A REQUEST of about 1 KB: five attendees, a weekly RRULE (the
/// `process_request` and `decide` benches).
pub const REQUEST: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n\
BEGIN:VEVENT\r\nUID:bench-7f3a2c@example.com\r\nDTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\n\
DTSTART:20250303T090000Z\r\nDTEND:20250303T100000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=20\r\n\
SUMMARY:Weekly engineering review\r\nLOCATION:Conference room B (second floor)\r\n\
DESCRIPTION:Review of the week's engineering work: incidents\\, releases\\, and the roadmap. Bring your notes.\r\n\
ORGANIZER;CN=Alice Example:mailto:alice@example.com\r\n\
ATTENDEE;CN=Alice Example;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n\
ATTENDEE;CN=Bob Example;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\n\
ATTENDEE;CN=Carol Example;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.com\r\n\
ATTENDEE;CN=Dave Example;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:dave@example.com\r\n\
ATTENDEE;CN=Room B;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:room-b@example.com\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

/// Bob's REPLY to the REQUEST, at the same SEQUENCE: the organizer
/// applies it (RFC 5546 §3.2.3)
/// (the `decide` and `process_request` benches).
pub const REPLY: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n\
BEGIN:VEVENT\r\nUID:bench-7f3a2c@example.com\r\nDTSTAMP:20250301T110000Z\r\nSEQUENCE:0\r\n\
DTSTART:20250303T090000Z\r\nDTEND:20250303T100000Z\r\nSUMMARY:Weekly engineering review\r\n\
ORGANIZER;CN=Alice Example:mailto:alice@example.com\r\n\
ATTENDEE;CN=Bob Example;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

pub const HOUR: i64 = 3_600;
pub const START: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z

/// The sizes to run: `IMIP_BENCH_SIZES` (comma-separated), or `default`.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    std::env::var("IMIP_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

fn period(uid: &str, start: i64, length: i64, recurrence: bool) -> BusyPeriod {
    BusyPeriod {
        start: Timestamp::from_seconds(start),
        end: Timestamp::from_seconds(start + length),
        fbtype: FbType::Busy,
        uid: uid.into(),
        recurrence_id: recurrence.then(|| Timestamp::from_seconds(start)),
        summary: None,
        organizer: CalAddress::parse("someone@example.com"),
        expires: None,
    }
}

/// A calendar of about `n` periods spread over `2n` hours.
pub fn calendar(room: &CalAddress, n: usize) -> MemStore {
    let mut store = MemStore::new();
    let span = 2 * n as i64 * HOUR;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut made = 0;
    let mut uid = 0;
    while made < n {
        uid += 1;
        let name = format!("e{uid}@bench");
        let start = START + (next() % span as u64) as i64 / HOUR * HOUR;
        let kind = next() % 100;
        let periods: Vec<BusyPeriod> = if kind < 30 {
            // Weekly, wrapped into the span so the density stays even.
            (0..50.min(n - made) as i64)
                .map(|w| period(&name, START + (start - START + w * 7 * 24 * HOUR) % span, HOUR, true))
                .collect()
        } else if kind < 31 {
            vec![period(&name, start, 24 * HOUR, false)]
        } else if kind == 31 && next() % 10 == 0 {
            vec![period(&name, start, 30 * 24 * HOUR, false)]
        } else {
            vec![period(&name, start, HOUR, false)]
        };
        made += periods.len();
        store
            .commit(Commit {
                principal: room.clone(),
                uid: name.clone(),
                expected: Version(0),
                record: Default::default(),
                periods: vec![PeriodUpdate { set: PeriodSet::Own, uid: name, periods }],
                outbox: Vec::new(),
                guards: Vec::new(),
                prefs: Vec::new(),
            })
            .expect("commit");
    }
    store
}

/// Prints each benchmark of `group` as a ratio of the one named `floor`
/// (its median time, as criterion estimated it in this run): as a
/// percentage of the floor's time, or as a multiple of it. Criterion
/// keeps its estimates under `target/criterion`; only the ones written
/// since `started` are read, so a filtered run does not mix in an older
/// run's figures, and a run in test mode (no estimates) prints nothing.
pub fn print_ratios(group: &str, floor: &str, started: std::time::SystemTime, percent: bool) {
    let Some(dir) = criterion_dir().map(|d| d.join(group)) else { return };
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut medians: Vec<(String, f64)> = Vec::new();
    for entry in entries.flatten() {
        let new = entry.path().join("new");
        let fresh = std::fs::metadata(new.join("estimates.json"))
            .and_then(|m| m.modified())
            .is_ok_and(|at| at >= started);
        let read = |file: &str| -> Option<serde_json::Value> {
            serde_json::from_slice(&std::fs::read(new.join(file)).ok()?).ok()
        };
        if let (true, Some(benchmark), Some(estimates)) =
            (fresh, read("benchmark.json"), read("estimates.json"))
            && let (Some(name), Some(median)) =
                (benchmark["function_id"].as_str(), estimates["median"]["point_estimate"].as_f64())
        {
            medians.push((name.to_string(), median));
        }
    }
    medians.sort_by(|a, b| a.0.cmp(&b.0));
    let Some(&(_, base)) = medians.iter().find(|(name, _)| name == floor) else { return };
    println!("{group}, median time as a ratio of the floor ({floor}: {:.2} us):", base / 1_000.0);
    for (name, median) in medians.iter().filter(|(name, _)| name != floor) {
        match percent {
            true => {
                println!("  {name}: {:.2} us = {:.1}% of the floor", median / 1_000.0, 100.0 * median / base)
            }
            false => println!("  {name}: {:.2} us = {:.2}x the floor", median / 1_000.0, median / base),
        }
    }
}

/// Where criterion writes: `$CARGO_TARGET_DIR/criterion`, or the
/// workspace's target directory's, as criterion finds it.
fn criterion_dir() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(std::path::PathBuf::from(dir).join("criterion"));
    }
    let output = std::process::Command::new(std::env::var_os("CARGO")?)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .ok()?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    Some(std::path::PathBuf::from(metadata["target_directory"].as_str()?).join("criterion"))
}
