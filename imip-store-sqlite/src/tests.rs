//! Unit tests of the SQLite store's own schema and index.

use super::*;
use imip_core::freebusy::FbType;

fn period(start: i64, length: i64) -> BusyPeriod {
    BusyPeriod {
        start: Timestamp::from_seconds(start),
        end: Timestamp::from_seconds(start + length),
        fbtype: FbType::Busy,
        uid: format!("len-{length}").into(),
        recurrence_id: None,
        summary: None,
        organizer: None,
        expires: None,
    }
}

/// Migration 2 computes tiers in SQL; they must be the core's.
#[test]
fn a_version_1_database_migrates_to_the_cores_length_tiers() {
    let lengths: Vec<i64> =
        LENGTH_TIERS.iter().flat_map(|b| [b - 1, *b, b + 1]).chain([0, 400 * 86_400]).collect();
    let connection = Connection::open_in_memory().expect("open");
    connection.execute_batch(MIGRATIONS[0]).expect("version 1");
    for (i, length) in lengths.iter().enumerate() {
        connection
            .execute(
                "INSERT INTO periods (principal, set_key, uid, start, end, line) VALUES ('a@x', 'own', ?1, ?2, ?3, '')",
                params![format!("u{i}"), 1_000_000 + i as i64, 1_000_000 + i as i64 + length],
            )
            .expect("insert");
    }
    connection.execute_batch(MIGRATIONS[1]).expect("version 2");
    for (i, length) in lengths.iter().enumerate() {
        let tier: i64 = connection
            .query_row("SELECT tier FROM periods WHERE uid = ?1", params![format!("u{i}")], |r| r.get(0))
            .expect("tier");
        assert_eq!(tier as usize, length_tier(*length), "length {length}");
    }
}

/// A long period is found, and does not stop short ones being found.
#[test]
fn queries_find_periods_of_every_tier() {
    let mut store = SqliteStore::open_in_memory().expect("open");
    let who = CalAddress::parse("a@example.com").expect("address");
    let base = 1_740_000_000;
    let periods: Vec<BusyPeriod> =
        [600, 7_200, 3 * 86_400, 30 * 86_400, 300 * 86_400].iter().map(|&l| period(base, l)).collect();
    for p in &periods {
        store
            .commit(Commit {
                principal: who.clone(),
                uid: p.uid.to_string(),
                expected: imip_core::backend::Version(0),
                record: Default::default(),
                periods: vec![PeriodUpdate {
                    set: PeriodSet::Own,
                    uid: p.uid.to_string(),
                    periods: vec![p.clone()],
                }],
                outbox: Vec::new(),
                guards: Vec::new(),
                prefs: Vec::new(),
            })
            .expect("commit");
    }
    for (offset, expected) in [(300, 5), (3_600, 4), (2 * 86_400, 3), (20 * 86_400, 2), (200 * 86_400, 1)] {
        let at = Timestamp::from_seconds(base + offset);
        let found = store
            .periods(&who, &PeriodSet::Own, at, Timestamp::from_seconds(at.seconds() + 1))
            .expect("query");
        assert_eq!(found.len(), expected, "at +{offset}s");
    }
}
