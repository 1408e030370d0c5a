//! The multi-process half of the suite: commits killed with SIGKILL at
//! random points, and concurrent deliveries from several processes.

use super::*;

/// The crash test's two halves (the killing is the store crate's test):
/// a child that commits forever, and a check that what survives a
/// SIGKILL is exactly the state after some whole number of commits.
pub mod crash {
    use super::*;

    const UID: &str = "crash@example.com";

    fn principal() -> CalAddress {
        addr("room@example.com")
    }

    fn start_of(step: u64) -> Timestamp {
        Timestamp::from_seconds(at("20250310T000000Z").seconds() + 3600 * i64::try_from(step).unwrap_or(0))
    }

    /// The commit that takes the record from version `step - 1` to
    /// `step`: an object with SEQUENCE `step`, one busy period at hour
    /// `step`, and one outbox mail `m-step`.
    fn commit_for(step: u64) -> Commit {
        let start = start_of(step);
        let end = Timestamp::from_seconds(start.seconds() + 1800);
        let object = event(UID, u32::try_from(step).unwrap_or(u32::MAX), &start.to_ical(), &end.to_ical());
        let periods = imip_core::freebusy::own_periods(&principal(), &object, &default_expansion());
        Commit {
            principal: principal(),
            uid: UID.into(),
            expected: Version(step - 1),
            record: with_object(object),
            periods: vec![PeriodUpdate { set: PeriodSet::Own, uid: UID.into(), periods }],
            outbox: vec![mail(&format!("m-{step}@example.com"))],
            guards: Vec::new(),
            prefs: Vec::new(),
        }
    }

    /// A principal first seen at `step`, so that kills also land while a
    /// store creates a principal.
    fn newcomer(step: u64) -> CalAddress {
        addr(&format!("guest-{step}@example.com"))
    }

    /// Commits step after step, forever (until the process is killed).
    /// Each step first gives a new principal a preference; every other
    /// step commits and claims its mail at once, as an agent does
    /// (claimed mail stays in the outbox until it is removed).
    pub fn child_loop(store: &mut dyn Store) -> ! {
        let background = store.load(&principal(), BACKGROUND).expect("child load background");
        if background.value.is_empty() {
            store.commit(background_commit()).expect("child background commit");
        }
        loop {
            let version = store.load(&principal(), UID).expect("child load").version.0;
            store.set_pref(&newcomer(version + 1), "TZID", Some("UTC")).expect("child set_pref");
            let commit = commit_for(version + 1);
            if version.is_multiple_of(2) {
                store.commit(commit).expect("child commit");
            } else {
                let now = start_of(version);
                store.commit_and_claim(commit, now, 600).expect("child commit and claim");
            }
        }
    }

    /// A second record, committed once before the first step: hourly
    /// periods in the same month as the steps', so that a step's commit
    /// shares its month with other live periods (a store that appends to
    /// a month and compacts it is then killed in both).
    const BACKGROUND: &str = "background@example.com";

    fn background_commit() -> Commit {
        let object = SchedulingObject::parse(
            "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n\
             UID:background@example.com\r\nDTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\n\
             DTSTART:20250301T000000Z\r\nDTEND:20250301T001500Z\r\nRRULE:FREQ=HOURLY;COUNT=20\r\n\
             SUMMARY:Background\r\nORGANIZER:mailto:alice@example.com\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .expect("background event");
        let periods = imip_core::freebusy::own_periods(&principal(), &object, &default_expansion());
        Commit {
            principal: principal(),
            uid: BACKGROUND.into(),
            expected: Version(0),
            record: with_object(object),
            periods: vec![PeriodUpdate { set: PeriodSet::Own, uid: BACKGROUND.into(), periods }],
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        }
    }

    /// Checks that the store holds exactly the state after its record's
    /// version `v`: SEQUENCE `v`, the period of step `v`, and the mails
    /// `m-1` … `m-v` in order. Returns `v`.
    pub fn verify(store: &dyn Store) -> u64 {
        let loaded = store.load(&principal(), UID).expect("load after crash");
        let version = loaded.version.0;
        let mails: Vec<String> =
            store.outbox().expect("outbox after crash").into_iter().map(|(_, m)| m.message_id).collect();
        let expected: Vec<String> = (1..=version).map(|s| format!("m-{s}@example.com")).collect();
        assert_eq!(mails, expected, "outbox at version {version}");
        let periods =
            store.periods(&principal(), &PeriodSet::Own, EVER.0, EVER.1).expect("periods after crash");
        let principals = store.principals().expect("principals after crash");
        for step in 1..=version {
            assert!(principals.contains(&newcomer(step)), "newcomer {step} listed");
        }
        // Earlier rounds read the older newcomers' preferences; the newest
        // are the ones a kill can have touched.
        for step in version.saturating_sub(20).max(1)..=version {
            let prefs = store.prefs(&newcomer(step)).expect("prefs after crash");
            assert_eq!(prefs.get("TZID").map(String::as_str), Some("UTC"), "newcomer {step}");
        }
        if version == 0 {
            assert!(loaded.value.is_empty() && periods.iter().all(|p| *p.uid == *BACKGROUND));
            return 0;
        }
        let object = loaded.value.object.expect("object at a non-zero version");
        assert_eq!(
            object.max_sequence(),
            i64::try_from(version).unwrap_or(-1),
            "object at version {version}"
        );
        // The background's 20 periods (committed before step 1), and
        // the step's one.
        let background: Vec<Timestamp> =
            periods.iter().filter(|p| *p.uid == *BACKGROUND).map(|p| p.start).collect();
        assert_eq!(background.len(), 20, "the background's periods at version {version}");
        let own: Vec<Timestamp> = periods.iter().filter(|p| *p.uid == *UID).map(|p| p.start).collect();
        assert_eq!(own, vec![start_of(version)], "the step's period at version {version}");
        version
    }
}

/// The concurrency test's halves: many processes deliver REPLYs to one
/// organizer at once; afterwards, every answer must be in the object.
pub mod concurrency {
    use super::*;

    /// The organizer whose object everyone answers.
    pub const ORGANIZER: &str = "alice@example.com";
    const UID: &str = "busy-meeting@example.com";

    fn attendee(index: usize) -> CalAddress {
        addr(&format!("attendee{index}@example.com"))
    }

    /// Stores the organizer's meeting with `attendees` invitees (their
    /// REQUESTs stay in the outbox).
    pub fn setup(store: &mut dyn Store, attendees: usize) {
        let mut lines = String::new();
        for index in 0..attendees {
            lines.push_str(&format!(
                "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}\r\n",
                attendee(index)
            ));
        }
        let ics = format!(
            "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:{UID}\r\n\
             DTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\nDTSTART:20250310T140000Z\r\n\
             DTEND:20250310T150000Z\r\nSUMMARY:Crowded\r\nORGANIZER:mailto:{ORGANIZER}\r\n{lines}\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let engine = Engine::new(Config::default()).expect("config");
        let mut ids = SeqIds::new("setup");
        let mut env = Env::new(at("20250301T100000Z"), &mut ids);
        let input = Input::Local {
            principal: addr(ORGANIZER),
            action: LocalAction::Save(SchedulingObject::parse(&ics).expect("meeting")),
        };
        let mut transport = RecordingTransport { failing: true, ..RecordingTransport::default() };
        drive::run_once(&engine, &mut env, store, &mut transport, &input).expect("setup");
    }

    /// Delivers the REPLY (ACCEPTED) of each attendee in `attendees`, as
    /// separate deliveries, through the driver (which retries conflicts).
    pub fn reply_all(store: &mut dyn Store, attendees: std::ops::Range<usize>, worker: usize) {
        let engine = Engine::new(Config::default()).expect("config");
        let mut ids = SeqIds::new(format!("worker{worker}"));
        let mut transport = RecordingTransport::default();
        for index in attendees {
            let who = attendee(index);
            let ics = format!(
                "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n\
                 UID:{UID}\r\nDTSTAMP:20250301T1100{:02}Z\r\nSEQUENCE:0\r\n\
                 ORGANIZER:mailto:{ORGANIZER}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:{who}\r\n\
                 END:VEVENT\r\nEND:VCALENDAR\r\n",
                index % 60
            );
            let input = Input::Incoming(imip_core::Incoming {
                principal: addr(ORGANIZER),
                senders: vec![who],
                message: SchedulingObject::parse(&ics).expect("reply"),
            });
            let mut env = Env::new(at("20250301T110000Z"), &mut ids);
            let mut attempts = 0;
            loop {
                attempts += 1;
                match drive::run_once(&engine, &mut env, store, &mut transport, &input) {
                    Ok(_) => break,
                    Err(drive::DriveError::Contention(_)) if attempts < 100 => continue,
                    Err(error) => panic!("worker {worker}, attendee {index}: {error}"),
                }
            }
        }
    }

    /// Asserts that all `attendees` answers are recorded.
    pub fn verify(store: &dyn Store, attendees: usize) {
        let record = store.load(&addr(ORGANIZER), UID).expect("load").value;
        let object = record.object.expect("the organizer's object");
        let answered: Vec<CalAddress> = object
            .attendee_addresses()
            .into_iter()
            .filter(|a| object.attendee(a).is_some_and(|p| p.partstat == PartStat::Accepted))
            .collect();
        let missing: Vec<String> = (0..attendees)
            .map(attendee)
            .filter(|who| !answered.contains(who))
            .map(|who| who.to_string())
            .collect();
        assert!(missing.is_empty(), "lost updates: no answer recorded for {missing:?}");
    }
}

/// Process-level tests: crash (SIGKILL) and concurrent deliveries. They
/// re-run the test binary as child processes, so the store is used by
/// separate processes exactly as the CLI uses it.
#[allow(clippy::disallowed_methods)]
pub mod processes {
    use super::*;
    use imip_core::admin::Problem;
    use std::path::Path;
    use std::process::{Child, Command};
    use std::time::Duration;

    /// The environment variable that tells the child what to do.
    pub const CHILD_VARIABLE: &str = "IMIP_TESTKIT_CHILD";

    /// Opens the store at a path: `(store, store-specific problems)`.
    pub type Opener = fn(&Path) -> (Box<dyn Store>, Vec<Problem>);

    /// What a crash-test child prints once its store is open and it
    /// starts committing.
    const READY: &str = "imip-testkit-child-ready";

    fn spawn(task: &str) -> Child {
        Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "child_process", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_VARIABLE, task)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn child")
    }

    /// Waits until the child says it is committing (or has died), so the
    /// kill lands among commits, not during the process's start-up,
    /// however loaded the machine is.
    fn wait_until_ready(child: &mut Child) {
        use std::io::BufRead;
        let Some(stdout) = child.stdout.take() else { return };
        let mut lines = std::io::BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if line.contains(READY) {
                break;
            }
        }
    }

    /// The child's body: reads its task from [`CHILD_VARIABLE`].
    pub fn child(open: Opener) {
        let Ok(task) = std::env::var(CHILD_VARIABLE) else { return };
        let parts: Vec<&str> = task.split('|').collect();
        match parts.as_slice() {
            ["crash", path] => {
                let mut store = open(Path::new(path)).0;
                println!("{READY}");
                let _ = std::io::Write::flush(&mut std::io::stdout());
                crash::child_loop(store.as_mut())
            }
            ["reply", path, from, to, worker] => {
                let range = from.parse().expect("from")..to.parse().expect("to");
                concurrency::reply_all(
                    open(Path::new(path)).0.as_mut(),
                    range,
                    worker.parse().expect("worker"),
                );
            }
            _ => panic!("unknown child task {task:?}"),
        }
    }

    /// Kills a committing child at pseudo-random moments, `rounds` times;
    /// after each kill, the store must open, check clean, and hold the
    /// state after a whole number of commits, outbox included.
    pub fn crash_test(dir: &Path, open: Opener, rounds: usize) {
        let path = dir.join("store");
        drop(open(&path));
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut last = 0;
        for round in 0..rounds {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut child = spawn(&format!("crash|{}", path.display()));
            wait_until_ready(&mut child);
            std::thread::sleep(Duration::from_micros(1_000 + seed % 25_000));
            child.kill().expect("kill");
            child.wait().expect("reap");
            let (store, problems) = open(&path);
            assert!(problems.is_empty(), "round {round}: {problems:?}");
            // The whole-store check reads every principal (one per commit
            // so far); every 25th round and the last are enough for it,
            // as `verify` checks the record, periods and outbox each round.
            if round % 25 == 0 || round + 1 == rounds {
                let report = check(store.as_ref()).expect("check");
                assert!(report.is_clean(), "round {round}: {:?}", report.problems);
            }
            let version = crash::verify(store.as_ref());
            assert!(version >= last, "round {round}: version went back from {last} to {version}");
            last = version;
        }
        eprintln!("{rounds} kills; {last} commits survived");
        assert!(last >= rounds as u64 / 4, "the children made too little progress ({last} commits)");
    }

    /// `workers` processes each deliver REPLYs from their share of
    /// `attendees` attendees to one organizer at the same time; no answer
    /// may be lost.
    pub fn concurrency_test(dir: &Path, open: Opener, workers: usize, attendees: usize) {
        let path = dir.join("store");
        concurrency::setup(open(&path).0.as_mut(), attendees);
        let share = attendees.div_ceil(workers);
        let children: Vec<Child> = (0..workers)
            .map(|w| {
                let (from, to) = (w * share, ((w + 1) * share).min(attendees));
                spawn(&format!("reply|{}|{from}|{to}|{w}", path.display()))
            })
            .collect();
        for mut child in children {
            assert!(child.wait().expect("wait").success(), "a worker failed");
        }
        let (store, problems) = open(&path);
        assert!(problems.is_empty(), "{problems:?}");
        concurrency::verify(store.as_ref(), attendees);
        assert!(check(store.as_ref()).expect("check").is_clean());
    }
}

/// Generates the process-level tests for a store: `child_process` (the
/// re-executed child, ignored when run directly), a crash test with
/// `$rounds` SIGKILLs, and a concurrency test.
#[macro_export]
macro_rules! store_process_tests {
    ($open:expr, $rounds:expr) => {
        #[test]
        #[ignore = "the child half of the process tests; they start it"]
        fn child_process() {
            $crate::store_suite::processes::child($open);
        }

        #[test]
        fn commits_survive_sigkill_at_random_points() {
            let dir = tempfile::tempdir().expect("temporary directory");
            $crate::store_suite::processes::crash_test(dir.path(), $open, $rounds);
        }

        #[test]
        fn concurrent_deliveries_to_one_principal_lose_no_update() {
            let dir = tempfile::tempdir().expect("temporary directory");
            $crate::store_suite::processes::concurrency_test(dir.path(), $open, 8, 48);
        }
    };
}
