//! Load on `imip web`: 50 concurrent clients make 2,000 page loads and
//! actions (calendar weeks, the waiting list, event pages, answers,
//! preferences) against a SQLite store holding 10,000 events, through
//! the real server process over HTTP. Asserts that no request failed, and
//! prints the throughput and the latency percentiles.
//!
//! Run: `cargo bench -p imip-cli --bench web_load`. `-- --test` (CI)
//! runs a small version (200 events, 10 clients, 100 requests) so that
//! the bench cannot rot; the figures need the full run. A plain harness,
//! not criterion: the figures asked for are a throughput and a
//! percentile over concurrent clients.

use imip_core::drive::run_once;
use imip_core::organize::{NewEvent, When};
use imip_core::{CalAddress, Config, Engine, Env, Input, LocalAction, RecordingTransport, SeqIds, Timestamp};
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn now() -> Timestamp {
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Timestamp::from_seconds(clock.as_secs() as i64)
}

/// Bob organizes `events` one-hour events from tomorrow, ten a day, and
/// is invited to `invitations` more (they wait for his answer).
fn seed(path: &std::path::Path, events: usize, invitations: usize) -> Vec<String> {
    let mut store = imip_store_sqlite::SqliteStore::open(path, Default::default()).expect("sqlite");
    let engine = Engine::new(Config::default()).expect("engine");
    let bob = CalAddress::parse("bob@example.com").unwrap();
    let alice = CalAddress::parse("alice@example.com").unwrap();
    let mut ids = SeqIds::new("seed");
    let today = now().to_chrono().date_naive() + chrono::Days::new(1);
    let mut uids = Vec::new();
    for i in 0..events + invitations {
        let day = today + chrono::Days::new((i / 10) as u64);
        let start = day.and_hms_opt(8 + (i % 10) as u32, 0, 0).unwrap();
        let invited = i >= events;
        let uid = format!("load-{i}@example.com");
        let event = NewEvent {
            uid: uid.clone(),
            title: format!("Meeting {i}"),
            when: When { start, end: start + chrono::TimeDelta::minutes(50), zone: chrono_tz::Europe::Oslo },
            location: Some(format!("Room {}", i % 7)),
            description: None,
            organizer: if invited { alice.clone() } else { bob.clone() },
            organizer_name: None,
            attendees: vec![if invited { bob.clone() } else { alice.clone() }],
            rooms: Vec::new(),
            repeat: None,
        };
        let object = event.to_object(now()).expect("event");
        let mut env = Env::new(now(), &mut ids);
        let input = if invited {
            let mail = format!(
                "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: Invitation\r\nMessage-ID: <{uid}>\r\n\
                 MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n{}",
                object.to_ics().replacen("VERSION:2.0\r\n", "VERSION:2.0\r\nMETHOD:REQUEST\r\n", 1)
            );
            imip_core::drive::deliver_mail(
                &engine,
                &mut env,
                &mut store,
                &mut RecordingTransport::default(),
                &bob,
                mail.as_bytes(),
                &imip_core::imip::MailLimits::default(),
            )
            .expect("invited");
            uids.push(uid);
            continue;
        } else {
            Input::Local { principal: bob.clone(), action: LocalAction::Save(object) }
        };
        run_once(&engine, &mut env, &mut store, &mut RecordingTransport::default(), &input).expect("saved");
        uids.push(uid);
    }
    uids
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let test = std::env::args().any(|a| a == "--test");
    let (events, mut clients, mut requests) = if test { (200, 10, 100) } else { (10_000, 50, 2_000) };
    // IMIP_WEB_CLIENTS=N: N clients, 40 requests each (to see the cost of
    // one request without contention, say).
    if let Some(n) = std::env::var("IMIP_WEB_CLIENTS").ok().and_then(|n| n.parse::<usize>().ok()) {
        clients = n.max(1);
        requests = clients * 40;
    }
    let invitations = 20;
    let dir = tempfile::tempdir().expect("tempdir");
    // Mail goes to /bin/true, as to an MTA that takes it: the outbox stays
    // empty, as on a site with a working transport.
    std::fs::write(
        dir.path().join("imip.toml"),
        "store = \"sqlite:imip.db\"\ntransport = \"sendmail:/bin/true\"\n[web]\nsession_hours = 2\n",
    )
    .unwrap();
    let seeded = Instant::now();
    let uids = seed(&dir.path().join("imip.db"), events, invitations);
    eprintln!("seeded {} events in {:.1} s", uids.len(), seeded.elapsed().as_secs_f64());
    let passwd = Command::new(env!("CARGO_BIN_EXE_imip"))
        .args(["--config", "imip.toml", "web", "passwd", "bob@example.com"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"load test password\n")?;
            c.wait()
        })
        .expect("passwd");
    assert!(passwd.success());
    let mut server = Command::new(env!("CARGO_BIN_EXE_imip"))
        .args(["--config", "imip.toml", "--log-level", "warn", "web", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("imip web");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base =
        line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().trim_end_matches('/').to_string();

    let latencies: Arc<Mutex<Vec<(usize, Duration)>>> = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let per_client = requests / clients;
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|n| {
            let (base, uids, latencies, failures) =
                (base.clone(), uids.clone(), latencies.clone(), failures.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(120))
                    .build()
                    .unwrap();
                let login = client
                    .post(format!("{base}/login"))
                    .form(&[("address", "bob@example.com"), ("password", "load test password")])
                    .send()
                    .expect("sign in");
                assert_eq!(login.status().as_u16(), 303, "signed in");
                let page = client.get(format!("{base}/prefs")).send().unwrap().text().unwrap();
                let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
                let csrf = page[at..].split('"').next().unwrap().to_string();
                let today = now().to_chrono().date_naive();
                for i in 0..per_client {
                    let k = n * per_client + i;
                    let uid = &uids[(k * 7919) % uids.len()];
                    let handle = imip_core::handle::handle(uid);
                    let week = today + chrono::Days::new(((k * 13) % 180) as u64);
                    let request = match k % 5 {
                        0 => client.get(format!("{base}/calendar?view=week&from={week}")),
                        1 => client.get(format!("{base}/pending")),
                        2 => client.get(format!("{base}/event?e={handle}")),
                        3 => {
                            let invited = &uids[uids.len() - 1 - (k % invitations)];
                            let answer = ["ACCEPTED", "TENTATIVE", "DECLINED"][k % 3];
                            client.post(format!("{base}/act/answer")).form(&[
                                ("uid", invited.as_str()),
                                ("answer", answer),
                                ("csrf", csrf.as_str()),
                            ])
                        }
                        _ => client.get(format!("{base}/calendar?view=month&from={week}")),
                    };
                    let sent = Instant::now();
                    match request.send() {
                        Ok(response)
                            if response.status().is_success() || response.status().as_u16() == 303 =>
                        {
                            let _ = response.bytes();
                            latencies.lock().unwrap().push((k % 5, sent.elapsed()));
                        }
                        Ok(response) => failures.lock().unwrap().push(format!("{k}: {}", response.status())),
                        Err(error) => failures.lock().unwrap().push(format!("{k}: {error}")),
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a client");
    }
    let wall = started.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} request(s) failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
    let all = latencies.lock().unwrap().clone();
    for (kind, name) in ["week", "waiting list", "event page", "answer", "month"].iter().enumerate() {
        let mut of: Vec<Duration> = all.iter().filter(|(k, _)| *k == kind).map(|(_, t)| *t).collect();
        of.sort();
        if let Some(median) = of.get(of.len() / 2) {
            println!("  {name}: median {:.1} ms over {}", median.as_secs_f64() * 1e3, of.len());
        }
    }
    let mut times: Vec<Duration> = all.into_iter().map(|(_, t)| t).collect();
    times.sort();
    let at =
        |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1).min(times.len() - 1)];
    println!(
        "web load: {} events, {clients} clients, {} requests in {:.2} s: {:.0} requests/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms; no errors",
        events + invitations,
        times.len(),
        wall.as_secs_f64(),
        times.len() as f64 / wall.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
    );
}
