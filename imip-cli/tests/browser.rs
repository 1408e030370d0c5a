//! `imip web` in a real browser: Debian's Chromium, driven through
//! WebDriver (chromedriver) with fantoccini. A person signs in, opens an
//! invitation that came by mail and accepts it (the REPLY goes out),
//! creates an event with a room (the room answers, and the event page
//! shows it), and answers another invitation with a one-click link from
//! the summary mail. Screenshots of each page, at desktop and phone
//! widths, go to `target/screenshots/`.
//!
//! Skips, saying so, where chromedriver is not installed; `.ci/run`
//! installs it and sets IMIP_REQUIRE_BROWSER=1, which turns the skip
//! into a failure.

mod common;
use common::{Listener, imip, invitation, setup, stderr, with_config};
use fantoccini::{ClientBuilder, Locator};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const RESOURCES: &str =
    "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n";

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].iter().map(PathBuf::from).find(|p| p.exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_person_uses_the_web_manager_in_chromium() {
    let Some(driver) = chromedriver() else {
        assert!(
            std::env::var_os("IMIP_REQUIRE_BROWSER").is_none(),
            "IMIP_REQUIRE_BROWSER is set but chromedriver is not installed"
        );
        eprintln!("skipped: chromedriver is not installed (Debian: apt install chromium chromium-driver)");
        return;
    };
    let smtp = Listener::start();
    let dir = setup(
        &format!(
            "store = \"fs:data\"\nresources = \"resources.toml\"\nsender = \"calendar@example.com\"\n\
             transport = \"smtp:{}\"\ndelivery = \"maildir:mail\"\n[web]\nbase_url = \"http://calendar.example.com/\"\n",
            smtp.address
        ),
        Some(RESOURCES),
    );
    let run = |args: &[&str], stdin: &[u8]| {
        let out = imip(dir.path(), &with_config(args), stdin);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        out
    };
    run(&["web", "passwd", "bob@example.com"], b"bob's password\n");
    run(&["prefs", "set", "bob@example.com", "TZID", "Europe/Oslo"], b"");
    run(&["prefs", "set", "bob@example.com", "CN", "Bob Berg"], b"");
    let mut server = Command::new(env!("CARGO_BIN_EXE_imip"))
        .args(["--config", "imip.toml", "web", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("IMIP_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let _server = Killed(server);
    let base =
        line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().trim_end_matches('/').to_string();
    for (uid, title) in [("q1@contoso.example", "Q1 planning"), ("lunch@contoso.example", "Team lunch")] {
        let mail = invitation(
            uid,
            "carol@contoso.example",
            &["bob@example.com"],
            "20300312T090000Z",
            "20300312T100000Z",
        )
        .replace("SUMMARY:Planning", &format!("SUMMARY:{title}"))
        .replace(
            "DTSTART:20300312T090000Z",
            if uid.starts_with("lunch") { "DTSTART:20300313T110000Z" } else { "DTSTART:20300312T090000Z" },
        )
        .replace(
            "DTEND:20300312T100000Z",
            if uid.starts_with("lunch") { "DTEND:20300313T120000Z" } else { "DTEND:20300312T100000Z" },
        );
        run(&["person", "--recipient", "bob@example.com"], mail.as_bytes());
    }
    let port = free_port();
    let _driver = Killed(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--disable-quic", "--window-size=1280,900"]
            }),
        );
        let mut client = None;
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        let c = client.expect("a WebDriver session");
        let shots = screenshots();
        let shoot = |name: &'static str| {
            let c = c.clone();
            let shots = shots.clone();
            async move {
                for (width, height, size) in [(1280u32, 900u32, "desktop"), (390, 844, "phone")] {
                    c.set_window_size(width, height).await.unwrap();
                    let png = c.screenshot().await.unwrap();
                    std::fs::write(shots.join(format!("web-{name}-{size}.png")), png).unwrap();
                }
                c.set_window_size(1280, 900).await.unwrap();
            }
        };

        // Sign in.
        c.goto(&format!("{base}/login")).await.unwrap();
        shoot("login").await;
        c.find(Locator::Id("address")).await.unwrap().send_keys("bob@example.com").await.unwrap();
        c.find(Locator::Id("password")).await.unwrap().send_keys("bob's password").await.unwrap();
        c.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
        // The click returns before the sign-in's redirect lands (and its
        // cookie with it): wait for the calendar it leads to.
        for _ in 0..100 {
            if c.current_url().await.unwrap().path() == "/calendar" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        c.goto(&format!("{base}/calendar?view=week&from=2030-03-12")).await.unwrap();
        let week = c.source().await.unwrap();
        assert!(week.contains("Q1 planning") && week.contains("10:00–11:00"), "in Oslo time: {week}");
        shoot("calendar-week").await;
        c.goto(&format!("{base}/calendar?view=month&from=2030-03-01")).await.unwrap();
        shoot("calendar-month").await;

        // The invitation that came by mail: open it from the waiting list, accept.
        c.goto(&format!("{base}/pending")).await.unwrap();
        shoot("pending").await;
        c.find(Locator::LinkText("Q1 planning")).await.unwrap().click().await.unwrap();
        shoot("event").await;
        c.find(Locator::Id("comment")).await.unwrap().send_keys("See you there").await.unwrap();
        c.find(Locator::Css("button[value=ACCEPTED]")).await.unwrap().click().await.unwrap();
        let done = c.wait().for_element(Locator::Css(".notice.ok")).await.unwrap();
        let said = done.text().await.unwrap();
        assert!(said.contains("Done"), "{said}");
        let replies: Vec<_> = smtp.mails().into_iter().filter(|m| m.data.contains("METHOD:REPLY")).collect();
        assert_eq!(replies.len(), 1, "the REPLY is in the outbox and went out");
        assert!(replies[0].data.contains("PARTSTAT=ACCEPTED"));

        // The slot finder: who is busy when on that day, and free slots.
        c.goto(&format!("{base}/new?day=2030-03-12&attendees=carol@contoso.example&room=room@example.com"))
            .await
            .unwrap();
        let finder = c.source().await.unwrap();
        assert!(finder.contains("Free for everyone"), "{finder}");
        shoot("slot-finder").await;

        // A new event with the room.
        c.goto(&format!("{base}/new")).await.unwrap();
        c.find(Locator::Id("title")).await.unwrap().send_keys("Design review").await.unwrap();
        c.execute("document.getElementById('start').value = '2030-03-14T14:00';", vec![]).await.unwrap();
        c.execute("document.getElementById('end').value = '2030-03-14T15:00';", vec![]).await.unwrap();
        c.find(Locator::Id("attendees")).await.unwrap().send_keys("carol@contoso.example").await.unwrap();
        c.find(Locator::Css("#room option[value='room@example.com']")).await.unwrap().click().await.unwrap();
        shoot("new-event").await;
        c.find(Locator::Css("form[action='/act/create'] button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait().for_element(Locator::Css(".notice.ok")).await.unwrap();
        let to_room = smtp
            .mails()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t == "room@example.com"))
            .expect("the room's invitation");
        let seen = smtp.mails().len();
        run(&["resource", "--recipient", "room@example.com"], to_room.data.as_bytes());
        let answer = smtp.mails()[seen..]
            .iter()
            .find(|m| m.to.iter().any(|t| t == "bob@example.com"))
            .cloned()
            .expect("the room answered Bob");
        run(&["person", "--recipient", "bob@example.com"], answer.data.as_bytes());
        c.goto(&format!("{base}/calendar?view=day&from=2030-03-14")).await.unwrap();
        c.find(Locator::LinkText("Design review")).await.unwrap().click().await.unwrap();
        let page = c.source().await.unwrap();
        assert!(page.contains("room@example.com (accepted)"), "the room's answer shows: {page}");
        shoot("organized-event").await;
        c.goto(&format!("{base}/prefs")).await.unwrap();
        shoot("preferences").await;

        // A one-click link from the summary mail of the other invitation.
        let maildir =
            std::fs::read_dir(dir.path().join("mail")).unwrap().flatten().next().unwrap().path().join("new");
        let mut link = None;
        for file in std::fs::read_dir(maildir).unwrap().flatten() {
            let raw = std::fs::read(file.path()).unwrap();
            let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let text = message.body_text(0).unwrap_or_default().into_owned();
            if text.contains("Team lunch") {
                link = text
                    .lines()
                    .find(|l| l.trim_start().starts_with("Tentative: "))
                    .and_then(|l| l.split_whitespace().last())
                    .map(str::to_string);
            }
        }
        let link = link
            .expect("a Tentative link in the lunch summary")
            .replace("http://calendar.example.com", &base);
        c.goto(&link).await.unwrap();
        shoot("one-click-confirm").await;
        let before = smtp.mails().len();
        assert!(c.source().await.unwrap().contains("Team lunch"));
        c.find(Locator::Css("form.box button[type=submit]")).await.unwrap().click().await.unwrap();
        // The answer's page, not the question's (both have a heading: waiting
        // for one read the question again when the machine was busy).
        c.wait().for_element(Locator::Css("main > div.notice")).await.unwrap();
        let thanks = c.source().await.unwrap();
        assert!(thanks.contains("Thank you"), "{thanks}");
        shoot("one-click-done").await;
        let sent = smtp.mails();
        assert_eq!(sent.len(), before + 1);
        assert!(sent.last().unwrap().data.contains("PARTSTAT=TENTATIVE"));
        c.close().await.unwrap();
    });
}
