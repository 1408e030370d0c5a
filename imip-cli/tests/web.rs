//! `imip web` over HTTP (reqwest): every route, who may see and do what,
//! CSRF, one-click answer links (valid, replayed, tampered, expired),
//! bad input (4xx, never 500), and that an answer on the web sends the
//! same REPLY as the same answer from the command line.

mod common;
use common::{Listener, imip, invitation, setup, stderr, with_config};
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const RESOURCES: &str = "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n\n\
[[resource]]\naddress = \"studio@example.com\"\nowner = \"bob@example.com\"\n[[resource.policy]]\nkind = \"hold\"\n";

/// A running `imip web`, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imip"))
        .args(["--config", "imip.toml", "web", "--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .env_remove("IMIP_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("imip web runs");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("a line");
    let url =
        line.split_whitespace().find(|w| w.starts_with("http://")).expect("the URL").trim_end_matches('/');
    Server { url: url.to_string(), child }
}

fn config(smtp: &Listener, extra: &str) -> String {
    format!(
        "store = \"fs:data\"\nresources = \"resources.toml\"\nsender = \"calendar@example.com\"\n\
         transport = \"smtp:{}\"\ndelivery = \"maildir:mail\"\n[web]\nbase_url = \"http://calendar.example.com/\"\n\
         secure_cookies = false\n{extra}",
        smtp.address
    )
}

fn passwd(dir: &Path, address: &str, password: &str) {
    let out = imip(dir, &with_config(&["web", "passwd", address]), format!("{password}\n").as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn client() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn sign_in(server: &Server, address: &str, password: &str) -> Client {
    let client = client();
    let out = client
        .post(format!("{}/login", server.url))
        .form(&[("address", address), ("password", password)])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER, "signed in as {address}");
    client
}

fn body(response: Response) -> String {
    response.text().unwrap()
}

/// The CSRF token on a page.
fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    page[at..].split('"').next().unwrap().to_string()
}

fn handle(page: &str) -> String {
    let at = page.find("class=\"handle\">").expect("a handle") + "class=\"handle\">".len();
    page[at..at + 6].to_string()
}

/// A directory with Bob invited to `uid` by Alice.
fn invited(smtp: &Listener, uid: &str) -> tempfile::TempDir {
    let dir = setup(&config(smtp, ""), Some(RESOURCES));
    passwd(dir.path(), "bob@example.com", "bob's password");
    passwd(dir.path(), "carol@example.com", "carol's password");
    let request =
        invitation(uid, "alice@example.com", &["bob@example.com"], "20300310T140000Z", "20300310T150000Z");
    let out =
        imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), request.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

#[test]
fn a_person_signs_in_sees_the_invitation_and_answers_it() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "w1@example.com");
    let server = start(dir.path());
    let web = client();
    // Not signed in: to the login page; every response has the headers.
    let out = web.get(format!("{}/calendar", server.url)).send().unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(out.headers()["location"], "/login");
    let csp = out.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(out.headers()["x-frame-options"], "DENY");
    let login = web.get(format!("{}/login", server.url)).send().unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let wrong = web
        .post(format!("{}/login", server.url))
        .form(&[("address", "bob@example.com"), ("password", "nope")])
        .send()
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(body(wrong).contains("do not match"));

    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let week = body(bob.get(format!("{}/calendar?view=week&from=2030-03-10", server.url)).send().unwrap());
    assert!(week.contains("Planning") && week.contains("waits for your answer"), "{week}");
    let pending = body(bob.get(format!("{}/pending", server.url)).send().unwrap());
    let short = handle(&pending);
    let page = body(bob.get(format!("{}/event?e={short}", server.url)).send().unwrap());
    assert!(page.contains("alice@example.com") && page.contains("Accept"), "{page}");

    // A form without its CSRF token does nothing.
    let forged = bob
        .post(format!("{}/act/answer", server.url))
        .form(&[("uid", short.as_str()), ("answer", "ACCEPTED"), ("csrf", "forged")])
        .send()
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(smtp.mails().is_empty());
    // No GET acts.
    let get = bob.get(format!("{}/act/answer?uid={short}&answer=ACCEPTED", server.url)).send().unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);

    let answered = bob
        .post(format!("{}/act/answer", server.url))
        .form(&[
            ("uid", short.as_str()),
            ("answer", "ACCEPTED"),
            ("comment", "Gladly"),
            ("csrf", &csrf(&page)),
        ])
        .send()
        .unwrap();
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "one REPLY");
    assert_eq!(mails[0].to, vec!["alice@example.com".to_string()]);
    let reply = mails[0].data.replace("\r\n ", "");
    assert!(
        reply.contains("METHOD:REPLY")
            && reply.contains("PARTSTAT=ACCEPTED")
            && reply.contains("COMMENT:Gladly"),
        "{reply}"
    );
    // The page it leads to says what came of it, named by a code: the
    // address carries no text, so a crafted link cannot make the
    // calendar say something imip did not.
    let location = answered.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/event?") && location.ends_with("&done=sent"), "{location}");
    let after = body(bob.get(format!("{}{location}", server.url)).send().unwrap());
    assert!(after.contains("Done. The mail it needed has been sent."), "{after}");
    let crafted = location.replace("done=sent", "done=Your+password+has+expired");
    let spoofed = body(bob.get(format!("{}{crafted}", server.url)).send().unwrap());
    assert!(!spoofed.contains("password has expired") && !spoofed.contains("notice ok"), "{spoofed}");
    let pending = body(bob.get(format!("{}/pending", server.url)).send().unwrap());
    assert!(pending.contains("Nothing waits"), "{pending}");

    // In the person's language once they choose one.
    let prefs = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    let saved = bob
        .post(format!("{}/act/prefs", server.url))
        .form(&[("LANG", "de"), ("csrf", &csrf(&prefs))])
        .send()
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let location = saved.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("&done=preferences"), "{location}");
    let after = body(bob.get(format!("{}{location}", server.url)).send().unwrap());
    assert!(after.contains("Ihre Einstellungen sind gespeichert."), "{after}");
    let week =
        body(bob.get(format!("{}/calendar?view=week&from=2030-03-10&done=sent", server.url)).send().unwrap());
    assert!(week.contains("Erledigt. Die E-Mail dazu ist verschickt."), "{week}");
    // Error pages too: in her preference's language once signed in,
    // in the browser's before.
    let missing = bob.get(format!("{}/event?e=nothing-like-it", server.url)).send().unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let page = body(missing);
    assert!(
        page.contains("lang=\"de\"")
            && page.contains("Nicht gefunden")
            && page.contains("Diesen Termin gibt es"),
        "{page}"
    );
    let page = body(bob.get(format!("{}/event?e={short}", server.url)).send().unwrap());
    let skipped = bob
        .post(format!("{}/act/counter", server.url))
        .form(&[
            ("uid", short.as_str()),
            ("start", "2030-03-31 02:30"),
            ("zone", "Europe/Oslo"),
            ("csrf", &csrf(&page)),
        ])
        .send()
        .unwrap();
    assert_eq!(skipped.status(), StatusCode::BAD_REQUEST);
    let page = body(skipped);
    assert!(page.contains("gibt es in Europe/Oslo nicht: Die Uhren werden dann vorgestellt."), "{page}");
    let bad = bob.get(format!("{}/calendar?view=fortnight", server.url)).send().unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(body(bad).contains("„fortnight“ ist keine Ansicht"));
    let danish = client().get(format!("{}/nowhere", server.url)).header("Accept-Language", "da-DK, en;q=0.5");
    let page = body(danish.send().unwrap());
    assert!(page.contains("Ikke fundet") && page.contains("Den side findes ikke."), "{page}");
    let english = body(client().get(format!("{}/nowhere", server.url)).send().unwrap());
    assert!(english.contains("There is no such page."), "{english}");
}

/// The calendar part of an SMTP mail, without what differs by the
/// moment (DTSTAMP) or the run (ids).
fn calendar_part(data: &str) -> String {
    let data = data.replace("\r\n ", "");
    let start = data.find("BEGIN:VCALENDAR").expect("a calendar");
    let end = data.find("END:VCALENDAR").expect("its end");
    data[start..end].lines().filter(|l| !l.starts_with("DTSTAMP")).collect::<Vec<_>>().join("\n")
}

#[test]
fn an_answer_on_the_web_sends_what_the_same_answer_from_the_command_line_sends() {
    let (web_smtp, cli_smtp) = (Listener::start(), Listener::start());
    let (web_dir, cli_dir) = (invited(&web_smtp, "same@example.com"), invited(&cli_smtp, "same@example.com"));
    let server = start(web_dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let page = body(bob.get(format!("{}/event?e=same@example.com", server.url)).send().unwrap());
    let out = bob
        .post(format!("{}/act/answer", server.url))
        .form(&[("uid", "same@example.com"), ("answer", "ACCEPTED"), ("csrf", &csrf(&page))])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let cli =
        imip(cli_dir.path(), &with_config(&["approve", "--as", "bob@example.com", "same@example.com"]), b"");
    assert_eq!(cli.status.code(), Some(0), "{}", stderr(&cli));
    let (by_web, by_cli) = (web_smtp.mails(), cli_smtp.mails());
    assert_eq!(by_web.len(), 1);
    assert_eq!(by_cli.len(), 1);
    assert_eq!(calendar_part(&by_web[0].data), calendar_part(&by_cli[0].data));
}

#[test]
fn nobody_sees_or_acts_for_someone_else_and_owners_act_for_their_resources() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "p1@example.com");
    let server = start(dir.path());
    let carol = sign_in(&server, "carol@example.com", "carol's password");
    for path in [
        "/calendar?as=bob@example.com",
        "/pending?as=bob@example.com",
        "/event?as=bob@example.com&e=p1@example.com",
        "/prefs?as=bob@example.com",
    ] {
        let out = carol.get(format!("{}{path}", server.url)).send().unwrap();
        assert_eq!(out.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let own = body(carol.get(format!("{}/calendar", server.url)).send().unwrap());
    let out = carol
        .post(format!("{}/act/answer", server.url))
        .form(&[
            ("as", "bob@example.com"),
            ("uid", "p1@example.com"),
            ("answer", "DECLINED"),
            ("csrf", &csrf(&own)),
        ])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::FORBIDDEN);
    // Carol's own calendar does not hold Bob's invitation.
    let out = carol.get(format!("{}/event?e=p1@example.com", server.url)).send().unwrap();
    assert_eq!(out.status(), StatusCode::NOT_FOUND);
    assert!(smtp.mails().is_empty());
    // Bob owns the studio: he may look at its calendar; Carol may not.
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    assert_eq!(
        bob.get(format!("{}/calendar?as=studio@example.com", server.url)).send().unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        carol.get(format!("{}/calendar?as=studio@example.com", server.url)).send().unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

#[test]
fn bad_input_gets_a_4xx_with_a_reason_never_a_500() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "b1@example.com");
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let page = body(bob.get(format!("{}/event?e=b1@example.com", server.url)).send().unwrap());
    let token = csrf(&page);
    for (path, status) in [
        ("/calendar?from=tomorrow", StatusCode::BAD_REQUEST),
        ("/calendar?view=year", StatusCode::BAD_REQUEST),
        ("/calendar?as=not%20an%20address", StatusCode::BAD_REQUEST),
        ("/event?e=%00%01..%2F..%2Fetc", StatusCode::NOT_FOUND),
        ("/event", StatusCode::BAD_REQUEST),
        ("/freebusy/..%2F..%2Fetc%2Fpasswd", StatusCode::BAD_REQUEST),
        ("/feed/garbage", StatusCode::NOT_FOUND),
        ("/rsvp?t=garbage", StatusCode::BAD_REQUEST),
        ("/no/such/page", StatusCode::NOT_FOUND),
    ] {
        let out = bob.get(format!("{}{path}", server.url)).send().unwrap();
        assert_eq!(out.status(), status, "{path}");
    }
    for form in [
        vec![("uid", "b1@example.com"), ("answer", "MAYBE")],
        vec![("uid", "b1@example.com"), ("answer", "ACCEPTED"), ("instance", "yesterday")],
        // A time the event does not occur at (RFC 5545 §3.8.4.4): no
        // made-up occurrence, no REPLY for it.
        vec![("uid", "b1@example.com"), ("answer", "DECLINED"), ("instance", "20300311T140000Z")],
        vec![("uid", "b1@example.com"), ("start", "2030-03-31 02:30"), ("zone", "Europe/Oslo")],
        vec![("uid", "b1@example.com"), ("start", "2030-03-10 12:00"), ("end", "2030-03-10 11:00")],
        vec![("uid", "b1@example.com"), ("to", "nobody")],
    ] {
        let path = if form.iter().any(|(k, _)| *k == "answer") {
            "/act/answer"
        } else if form.iter().any(|(k, _)| *k == "to") {
            "/act/delegate"
        } else {
            "/act/counter"
        };
        let mut form = form;
        form.push(("csrf", &token));
        let out = bob.post(format!("{}{path}", server.url)).form(&form).send().unwrap();
        assert_eq!(out.status(), StatusCode::BAD_REQUEST, "{path} {form:?}");
        // The engine's refusal, told in the person's words and zone (Bob
        // has set none: UTC).
        if form.contains(&("instance", "20300311T140000Z")) {
            let page = body(out);
            assert!(
                page.contains("Nothing was done")
                    && page.contains("The event does not take place on Monday 11 March 2030 at 14:00.")
                    && !page.contains("RFC"),
                "{page}"
            );
        }
    }
    let out = bob
        .post(format!("{}/act/prefs", server.url))
        .form(&[("TZID", "Mars/Olympus"), ("csrf", &token)])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
    assert!(body(out).contains("“Mars/Olympus” is not a time zone (say Europe/Oslo)."));
    assert!(smtp.mails().is_empty(), "nothing was sent");
}

#[test]
fn preferences_feed_free_busy_and_a_new_event_with_a_room() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "f1@example.com");
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    let token = csrf(&page);
    let out = bob
        .post(format!("{}/act/prefs", server.url))
        .form(&[("LANG", "de"), ("TZID", "Europe/Berlin"), ("CN", "Bob Berg"), ("csrf", &token)])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let week = body(bob.get(format!("{}/calendar?from=2030-03-10", server.url)).send().unwrap());
    assert!(week.contains("Sonntag, 10. März 2030") && week.contains("15:00–16:00"), "{week}");
    // The page speaks German too.
    assert!(
        week.contains("lang=\"de\"") && week.contains(">Kalender<") && week.contains("Später →"),
        "{week}"
    );
    let event = body(bob.get(format!("{}/event?e=f1@example.com", server.url)).send().unwrap());
    assert!(event.contains(">Zusagen<") && event.contains("Ihre Antwort"), "{event}");

    // A private feed: made, read without signing in, turned off.
    let out = bob
        .post(format!("{}/act/feed", server.url))
        .form(&[("feed", "new"), ("csrf", &token)])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    let at = page.find("/feed/").expect("a feed address");
    let feed = page[at..].split('<').next().unwrap().to_string();
    let ics = body(client().get(format!("{}{feed}", server.url)).send().unwrap());
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\n")
            && ics.contains("UID:f1@example.com")
            && !ics.contains("METHOD"),
        "{ics}"
    );
    bob.post(format!("{}/act/feed", server.url)).form(&[("feed", "off"), ("csrf", &token)]).send().unwrap();
    assert_eq!(client().get(format!("{}{feed}", server.url)).send().unwrap().status(), StatusCode::NOT_FOUND);

    // Free/busy: a room publishes by default; Bob only if he says so.
    let room = client().get(format!("{}/freebusy/room@example.com", server.url)).send().unwrap();
    assert_eq!(room.status(), StatusCode::OK);
    assert!(body(room).contains("BEGIN:VFREEBUSY"));
    let url = format!("{}/freebusy/bob@example.com", server.url);
    assert_eq!(client().get(&url).send().unwrap().status(), StatusCode::NOT_FOUND, "not published");
    let out = bob
        .post(format!("{}/act/prefs", server.url))
        .form(&[("freebusy_sharing", "share"), ("freebusy_publishing", "publish"), ("csrf", &token)])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(client().get(&url).send().unwrap().status(), StatusCode::OK, "published");

    // A new event with the room: both get the REQUEST.
    let out = bob
        .post(format!("{}/act/create", server.url))
        .form(&[
            ("title", "Web review"),
            ("start", "2030-03-12T10:00"),
            ("end", "2030-03-12T11:00"),
            ("zone", "Europe/Berlin"),
            ("attendees", "carol@example.com"),
            ("room", "room@example.com"),
            ("csrf", &token),
        ])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let mails = smtp.mails();
    let request =
        mails.iter().find(|m| m.to.iter().any(|t| t == "room@example.com")).expect("the room's REQUEST");
    let data = request.data.replace("\r\n ", "");
    assert!(
        data.contains("DTSTART;TZID=Europe/Berlin:20300312T100000") && data.contains("CN=\"Bob Berg\""),
        "{data}"
    );
    assert!(mails.iter().any(|m| m.to.iter().any(|t| t == "carol@example.com")));
}

/// RFC 5546 §3.2.5 on the web: the organizer cancels one occurrence of
/// a weekly meeting from its page; Carol gets a CANCEL for that week
/// alone. A time that is no occurrence, or no time at all, is a 400.
#[test]
fn the_organizer_cancels_one_occurrence_from_the_event_page() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "o1@example.com");
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let token = csrf(&body(bob.get(format!("{}/new", server.url)).send().unwrap()));
    let out = bob
        .post(format!("{}/act/create", server.url))
        .form(&[
            ("title", "Weekly sync"),
            ("start", "2030-03-12T10:00"),
            ("end", "2030-03-12T11:00"),
            ("zone", "Europe/Berlin"),
            ("attendees", "carol@example.com"),
            ("repeat", "FREQ=WEEKLY;COUNT=3"),
            ("csrf", &token),
        ])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let invitation = smtp.mails().last().expect("Carol's invitation").data.replace("\r\n ", "");
    let uid = invitation.split("UID:").nth(1).and_then(|r| r.split("\r\n").next()).expect("UID").to_string();
    let page = body(bob.get(format!("{}/event?e={uid}", server.url)).send().unwrap());
    assert!(page.contains("Cancel one occurrence") && page.contains("value=\"20300319T090000Z\""), "{page}");

    let cancel = |instance: &str| {
        bob.post(format!("{}/act/cancel", server.url))
            .form(&[
                ("as", "bob@example.com"),
                ("uid", uid.as_str()),
                ("instance", instance),
                ("csrf", &token),
            ])
            .send()
            .unwrap()
    };
    let seen = smtp.mails().len();
    for wrong in ["20300320T090000Z", "next Tuesday"] {
        let out = cancel(wrong);
        assert_eq!(out.status(), StatusCode::BAD_REQUEST, "{wrong}");
        assert!(body(out).contains("occurrence"), "{wrong}: a reason");
    }
    assert_eq!(smtp.mails().len(), seen, "nothing sent for a wrong time");
    assert_eq!(cancel("20300319T090000Z").status(), StatusCode::SEE_OTHER);
    let mails = smtp.mails();
    assert_eq!(mails.len(), seen + 1, "one mail");
    let data = mails[seen].data.replace("\r\n ", "");
    assert!(mails[seen].to.iter().any(|t| t == "carol@example.com"), "to Carol");
    assert!(
        data.contains("METHOD:CANCEL") && data.contains("RECURRENCE-ID;TZID=Europe/Berlin:20300319T100000"),
        "{data}"
    );
    // The week is gone from the page's list; the others stand.
    let page = body(bob.get(format!("{}/event?e={uid}", server.url)).send().unwrap());
    assert!(
        !page.contains("value=\"20300319T090000Z\"") && page.contains("value=\"20300326T090000Z\""),
        "{page}"
    );
}

/// As imip-manager's event page did, the page lists what else the
/// person's calendar holds at the event's time, linked; what only
/// touches it (one ends as the other starts) is no clash.
#[test]
fn the_event_page_shows_what_clashes_with_it() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "c1@example.com");
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let token = csrf(&body(bob.get(format!("{}/new", server.url)).send().unwrap()));
    for (title, start, end) in [
        ("Overlap", "2030-03-10T14:30", "2030-03-10T15:30"),
        ("Later", "2030-03-10T15:00", "2030-03-10T16:00"),
    ] {
        let out = bob
            .post(format!("{}/act/create", server.url))
            .form(&[
                ("title", title),
                ("start", start),
                ("end", end),
                ("zone", "UTC"),
                ("attendees", "carol@example.com"),
                ("csrf", &token),
            ])
            .send()
            .unwrap();
        assert_eq!(out.status(), StatusCode::SEE_OTHER, "{title}");
    }
    let invitation = body(bob.get(format!("{}/event?e=c1@example.com", server.url)).send().unwrap());
    assert!(invitation.contains("At the same time in your calendar:"), "{invitation}");
    assert!(invitation.contains("2030-03-10 14:30") && invitation.contains(">Overlap<"), "{invitation}");
    assert!(!invitation.contains(">Later<"), "touching is no clash: {invitation}");
    let calendar = body(bob.get(format!("{}/calendar?from=2030-03-10&view=day", server.url)).send().unwrap());
    let at = calendar.find(">Later<").expect("Later in the calendar");
    let link =
        calendar[..at].rsplit("href=\"").next().unwrap().split('"').next().unwrap().replace("&amp;", "&");
    let later = body(bob.get(format!("{}{link}", server.url)).send().unwrap());
    // 15:00-16:00 overlaps Overlap (14:30-15:30), and only touches the
    // invitation (14:00-15:00).
    assert!(later.contains(">Overlap<") && !later.contains(">Planning<"), "{later}");
}

/// Signs a one-click token as the server does, with its key file.
fn mint(dir: &Path, fields: &[&str], expires: i64) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use hmac::Mac;
    let key = std::fs::read(dir.join("imip-web.key")).unwrap();
    let mut payload = "rsvp".to_string();
    for f in fields {
        payload.push('\n');
        payload.push_str(&B64.encode(f));
    }
    payload.push_str(&format!("\n{expires}"));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(payload.as_bytes());
    format!("{}.{}", B64.encode(payload), B64.encode(mac.finalize().into_bytes()))
}

#[test]
fn a_one_click_link_asks_first_acts_on_post_once_and_refuses_tampering_and_age() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "r1@example.com");
    let server = start(dir.path());
    let web = client();
    let far = 4_102_444_800; // 2100
    let token = mint(dir.path(), &["bob@example.com", "r1@example.com", "ACCEPTED", "0"], far);
    // Opening the link (a mail scanner, say) changes nothing.
    for _ in 0..3 {
        let page = web.get(format!("{}/rsvp?t={token}", server.url)).send().unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(body(page).contains("Accept: Planning?"));
    }
    assert!(smtp.mails().is_empty(), "a GET answers for nobody");
    let out = web.post(format!("{}/rsvp", server.url)).form(&[("t", token.as_str())]).send().unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    let thanks = body(out);
    assert!(thanks.contains("Thank you") && thanks.contains("The mail it needed has been sent."), "{thanks}");
    assert_eq!(smtp.mails().len(), 1, "the REPLY went out");
    assert!(smtp.mails()[0].data.contains("ACCEPTED"));
    let again = web.post(format!("{}/rsvp", server.url)).form(&[("t", token.as_str())]).send().unwrap();
    assert_eq!(again.status(), StatusCode::GONE, "once");
    assert_eq!(smtp.mails().len(), 1);
    // Still once after a restart, even once Bob has changed his answer.
    let page = body(
        sign_in(&server, "bob@example.com", "bob's password")
            .get(format!("{}/event?e=r1@example.com", server.url))
            .send()
            .unwrap(),
    );
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let out = bob
        .post(format!("{}/act/answer", server.url))
        .form(&[("uid", "r1@example.com"), ("answer", "DECLINED"), ("csrf", &csrf(&page))])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::FORBIDDEN, "the CSRF token belongs to the other session");
    let page = body(bob.get(format!("{}/event?e=r1@example.com", server.url)).send().unwrap());
    let out = bob
        .post(format!("{}/act/answer", server.url))
        .form(&[("uid", "r1@example.com"), ("answer", "DECLINED"), ("csrf", &csrf(&page))])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    drop(server);
    let server = start(dir.path());
    let replay = web.post(format!("{}/rsvp", server.url)).form(&[("t", token.as_str())]).send().unwrap();
    assert_eq!(replay.status(), StatusCode::GONE, "once, across restarts");
    let sent = smtp.mails().len();

    // Another principal or event in the same signature: refused.
    let (payload, tag) = token.split_once('.').unwrap();
    let forged = format!("{}.{tag}", payload.replace('A', "B"));
    let out = web.post(format!("{}/rsvp", server.url)).form(&[("t", forged.as_str())]).send().unwrap();
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
    let expired = mint(dir.path(), &["bob@example.com", "r1@example.com", "DECLINED", "0"], 1_000_000_000);
    let out = web.get(format!("{}/rsvp?t={expired}", server.url)).send().unwrap();
    assert_eq!(out.status(), StatusCode::GONE);
    assert!(body(out).contains("expired"));
    // A link for an older version of the invitation: refused.
    let stale = mint(dir.path(), &["bob@example.com", "r1@example.com", "DECLINED", "7"], far);
    let out = web.post(format!("{}/rsvp", server.url)).form(&[("t", stale.as_str())]).send().unwrap();
    assert_eq!(out.status(), StatusCode::CONFLICT);
    assert_eq!(smtp.mails().len(), sent);

    // Nobody is signed in at a link from mail: its refusal is in the
    // language of the person it was sent to, when it is authentic.
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let prefs = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    let out = bob
        .post(format!("{}/act/prefs", server.url))
        .form(&[("LANG", "de"), ("csrf", &csrf(&prefs))])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let refusal = |out: Response, status| {
        assert_eq!(out.status(), status);
        body(out)
    };
    let page = refusal(web.get(format!("{}/rsvp?t={expired}", server.url)).send().unwrap(), StatusCode::GONE);
    assert!(page.contains("Dieser Antwortlink ist abgelaufen.") && page.contains("lang=\"de\""), "{page}");
    let out = web.post(format!("{}/rsvp", server.url)).form(&[("t", stale.as_str())]).send().unwrap();
    assert!(refusal(out, StatusCode::CONFLICT).contains("Die Einladung hat sich geändert"));
    let out = web.post(format!("{}/rsvp", server.url)).form(&[("t", token.as_str())]).send().unwrap();
    assert!(refusal(out, StatusCode::GONE).contains("Dieser Antwortlink wurde bereits verwendet."));
    // An altered link names nobody (anyone can write an address into
    // it): the browser's language, English by default.
    let out = web.post(format!("{}/rsvp", server.url)).form(&[("t", forged.as_str())]).send().unwrap();
    assert!(
        refusal(out, StatusCode::BAD_REQUEST).contains("This answer link is not valid: it may have been cut")
    );
    let out = web
        .post(format!("{}/rsvp", server.url))
        .header("Accept-Language", "da-DK, en;q=0.5")
        .form(&[("t", forged.as_str())])
        .send()
        .unwrap();
    assert!(!refusal(out, StatusCode::BAD_REQUEST).contains("This answer link"));
}

#[test]
fn too_many_failed_sign_ins_are_refused_for_a_while() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "l1@example.com");
    let server = start(dir.path());
    let web = client();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let out = web
            .post(format!("{}/login", server.url))
            .form(&[("address", "bob@example.com"), ("password", "guess")])
            .send()
            .unwrap();
        statuses.push(out.status());
    }
    assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5..], [StatusCode::TOO_MANY_REQUESTS; 2]);
    // Even the right password waits now.
    let out = web
        .post(format!("{}/login", server.url))
        .form(&[("address", "bob@example.com"), ("password", "bob's password")])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn behind_a_proxy_the_header_is_believed_only_from_the_proxy() {
    let smtp = Listener::start();
    let dir = setup(
        &config(
            &smtp,
            "auth = \"proxy\"\nproxy_header = \"X-Remote-User\"\nproxy_addresses = [\"127.0.0.1\"]\n",
        ),
        Some(RESOURCES),
    );
    let server = start(dir.path());
    let web = client();
    let out = web
        .get(format!("{}/calendar", server.url))
        .header("X-Remote-User", "bob@example.com")
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    assert!(body(out).contains("bob@example.com"));
    let out = web.get(format!("{}/calendar", server.url)).send().unwrap();
    assert_eq!(out.status(), StatusCode::FORBIDDEN, "no header, nobody");
    let untrusted =
        setup(&config(&smtp, "auth = \"proxy\"\nproxy_addresses = [\"10.9.9.9\"]\n"), Some(RESOURCES));
    let server = start(untrusted.path());
    let out = web
        .get(format!("{}/calendar", server.url))
        .header("X-Remote-User", "bob@example.com")
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::FORBIDDEN, "from an address that is not the proxy");
}

#[test]
fn the_summary_mail_carries_one_click_links_that_answer() {
    let smtp = Listener::start();
    let dir = setup(&config(&smtp, ""), Some(RESOURCES));
    let server = start(dir.path()); // makes the site key
    let request = invitation(
        "m1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let out =
        imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), request.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let maildir =
        std::fs::read_dir(dir.path().join("mail")).unwrap().flatten().next().unwrap().path().join("new");
    let file = std::fs::read_dir(maildir).unwrap().flatten().next().unwrap().path();
    let raw = std::fs::read(file).unwrap();
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let text = message.body_text(0).unwrap().into_owned();
    assert!(text.contains("Answer in one click:"), "{text}");
    let link = text
        .lines()
        .find(|l| l.trim_start().starts_with("Accept: "))
        .and_then(|l| l.split_whitespace().last())
        .expect("an Accept link")
        .to_string();
    assert!(link.starts_with("http://calendar.example.com/rsvp?t="), "{link}");
    let html = message.body_html(0).unwrap().into_owned();
    assert!(html.contains("href=\"http://calendar.example.com/rsvp?t="), "{html}");
    let local = link.replace("http://calendar.example.com", &server.url);
    let web = client();
    let page = web.get(&local).send().unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(smtp.mails().is_empty(), "opening the link answers nothing");
    let token = local.split("t=").nth(1).unwrap().to_string();
    let out = web.post(format!("{}/rsvp", server.url)).form(&[("t", token.as_str())]).send().unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].data.contains("PARTSTAT=ACCEPTED"), "{}", mails[0].data);
}

#[test]
fn the_slot_finder_shows_who_is_busy_and_suggests_free_slots() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "s1@example.com"); // Bob: 2030-03-10 14:00–15:00 UTC
    // The room is booked 09:00–10:00 UTC that day.
    let booking = invitation(
        "s2@example.com",
        "dana@example.com",
        &["room@example.com"],
        "20300310T090000Z",
        "20300310T100000Z",
    );
    let out =
        imip(dir.path(), &with_config(&["resource", "--recipient", "room@example.com"]), booking.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let page = body(
        bob.get(format!(
            "{}/new?day=2030-03-10&attendees=erin@example.org&room=room@example.com&length=60",
            server.url
        ))
        .send()
        .unwrap(),
    );
    assert!(page.contains("<th>bob@example.com</th><td>14:00–15:00</td>"), "{page}");
    assert!(page.contains("<th>room@example.com</th><td>09:00–10:00</td>"), "{page}");
    assert!(
        page.contains("<th>erin@example.org</th><td><span class=\"muted\">free (nothing known)</span>"),
        "{page}"
    );
    // 08:00 is free; 08:30 and 09:00 are not (the room); 10:00 is.
    let free = &page[page.find("Free for everyone").unwrap()..];
    assert!(free.contains("<li>08:00–09:00</li><li>10:00–11:00</li>"), "{free}");
    assert!(page.contains("value=\"2030-03-10T08:00\""), "the first free slot fills the form: {page}");
    let out = bob.get(format!("{}/new?day=2030-03-10&length=forever", server.url)).send().unwrap();
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn an_owner_follows_the_notice_link_and_approves_a_held_booking() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "h0@example.com");
    let booking = invitation(
        "h1@example.com",
        "dana@example.com",
        &["studio@example.com"],
        "20300311T090000Z",
        "20300311T100000Z",
    );
    let out = imip(
        dir.path(),
        &with_config(&["resource", "--recipient", "studio@example.com"]),
        booking.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let notice = smtp.mails().into_iter().find(|m| m.to == ["bob@example.com"]).expect("the owner's notice");
    let data = notice.data.replace("=\r\n", "").replace("=3D", "=");
    let at = data.find("http://calendar.example.com/event?").expect("a link to the web manager");
    let link: String =
        data[at..].chars().take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<').collect();
    assert!(link.contains("as=studio%40example.com&e="), "{link}");
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let page = body(bob.get(link.replace("http://calendar.example.com", &server.url)).send().unwrap());
    assert!(page.contains("waits for your approval"), "{page}");
    let handle = link.rsplit("e=").next().unwrap().to_string();
    let seen = smtp.mails().len();
    let out = bob
        .post(format!("{}/act/decide", server.url))
        .form(&[
            ("as", "studio@example.com"),
            ("uid", handle.as_str()),
            ("decision", "approve"),
            ("csrf", &csrf(&page)),
        ])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let reply = smtp.mails()[seen..]
        .iter()
        .find(|m| m.to == ["dana@example.com"])
        .cloned()
        .expect("the studio answers");
    assert!(reply.data.contains("PARTSTAT=ACCEPTED"), "{}", reply.data);
}

#[test]
fn web_answers_and_mail_deliveries_at_once_lose_nothing() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "c0@example.com");
    let deliver = |uid: &str| {
        let mail = invitation(
            uid,
            "alice@example.com",
            &["bob@example.com"],
            "20300310T140000Z",
            "20300310T150000Z",
        );
        let out =
            imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), mail.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    };
    for i in 1..=8 {
        deliver(&format!("c{i}@example.com"));
    }
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let page = body(bob.get(format!("{}/pending", server.url)).send().unwrap());
    let token = csrf(&page);
    std::thread::scope(|scope| {
        let web = scope.spawn(|| {
            for i in 1..=8 {
                let uid = format!("c{i}@example.com");
                let out = bob
                    .post(format!("{}/act/answer", server.url))
                    .form(&[("uid", uid.as_str()), ("answer", "ACCEPTED"), ("csrf", token.as_str())])
                    .send()
                    .unwrap();
                assert_eq!(out.status(), StatusCode::SEE_OTHER, "{uid}");
            }
        });
        let mta = scope.spawn(|| {
            for i in 11..=18 {
                deliver(&format!("c{i}@example.com"));
            }
        });
        web.join().unwrap();
        mta.join().unwrap();
    });
    let replies = smtp.mails().into_iter().filter(|m| m.data.contains("METHOD:REPLY")).count();
    assert_eq!(replies, 8, "every web answer went out");
    let pending =
        stdout_text(&imip(dir.path(), &with_config(&["pending", "--user", "bob@example.com"]), b""));
    for i in (0..=0).chain(11..=18) {
        assert!(pending.contains(&format!("c{i}@example.com")), "c{i} waits: {pending}");
    }
    for i in 1..=8 {
        assert!(!pending.contains(&format!("\tc{i}@example.com\n")), "c{i} was answered: {pending}");
    }
    let check = imip(dir.path(), &with_config(&["store", "check"]), b"");
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

fn stdout_text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Working hours (RFC 7953 availability) on the preferences form: a row
/// per day, saved as a VAVAILABILITY that free/busy then shows, read back
/// into the form; mistakes told per day in the person's language; an
/// availability written by hand kept as its text.
#[test]
fn working_hours_are_set_per_day_and_shape_free_busy() {
    let smtp = Listener::start();
    let dir = invited(&smtp, "wh1@example.com");
    let server = start(dir.path());
    let bob = sign_in(&server, "bob@example.com", "bob's password");
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    let token = csrf(&page);
    // None set: every day unticked, ready at 09:00-17:00, in his zone.
    assert!(page.contains("<legend>Working hours</legend>") && page.contains("Times are in UTC."), "{page}");
    assert_eq!(page.matches("type=\"checkbox\"").count(), 7, "{page}");
    assert!(!page.contains(" checked") && !page.contains("<textarea"), "{page}");
    assert!(page.contains(">Monday</label>") || page.contains(" Monday</label>"), "{page}");

    let post = |fields: &[(&str, &str)]| {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &token));
        bob.post(format!("{}/act/prefs", server.url)).form(&form).send().unwrap()
    };
    // As the form posts it: hours shown in UTC, his zone unset, and the
    // zone set on the same form. The hours are meant on his new clock.
    let mut week: Vec<(String, &str)> = vec![
        ("hours".into(), "1"),
        ("hours-zone".into(), "UTC"),
        ("TZID-shown".into(), ""),
        ("TZID".into(), "Europe/Oslo"),
    ];
    for day in ["mon", "tue", "wed", "thu", "fri"] {
        let until = if day == "fri" { "15:00" } else { "17:00" };
        week.extend([
            (format!("day-{day}"), "on"),
            (format!("from-{day}"), "09:00"),
            (format!("until-{day}"), until),
        ]);
    }
    // Saturday's times are there but the day is not ticked.
    week.extend([("from-sat".into(), "10:00"), ("until-sat".into(), "12:00")]);
    week.extend([("freebusy_sharing".into(), "share"), ("freebusy_publishing".into(), "publish")]);
    let week: Vec<(&str, &str)> = week.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let out = post(&week);
    assert_eq!(out.status(), StatusCode::SEE_OTHER);

    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    assert_eq!(page.matches(" checked").count(), 5, "{page}");
    assert!(page.contains("Times are in Europe/Oslo."), "{page}");
    assert!(
        page.contains("name=\"until-fri\" value=\"15:00\"")
            && page.contains("name=\"until-thu\" value=\"17:00\""),
        "{page}"
    );
    // A zone changed elsewhere (a partial form, `imip prefs set`) leaves
    // the hours on their own clock, and the form says which; saving it
    // without changing the zone keeps them there.
    assert_eq!(post(&[("TZID", "Europe/Berlin")]).status(), StatusCode::SEE_OTHER);
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    assert!(page.contains("Times are in Europe/Oslo.") && page.contains("value=\"Europe/Berlin\""), "{page}");
    let resaved = [
        ("hours", "1"),
        ("hours-zone", "Europe/Oslo"),
        ("TZID-shown", "Europe/Berlin"),
        ("TZID", "Europe/Berlin"),
        ("day-mon", "on"),
        ("from-mon", "09:00"),
        ("until-mon", "17:00"),
    ];
    assert_eq!(post(&resaved).status(), StatusCode::SEE_OTHER);
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    assert!(page.contains("Times are in Europe/Oslo.") && page.matches(" checked").count() == 1, "{page}");
    assert_eq!(post(&week).status(), StatusCode::SEE_OTHER);
    // RFC 7953 §3.2: outside the hours is BUSY-UNAVAILABLE.
    let freebusy = body(client().get(format!("{}/freebusy/bob@example.com", server.url)).send().unwrap());
    assert!(freebusy.contains("FBTYPE=BUSY-UNAVAILABLE"), "{freebusy}");
    // The slot finder keeps to them: on a Friday nothing before 09:00.
    let page = body(bob.get(format!("{}/new?day=2030-03-15&length=60", server.url)).send().unwrap());
    let free = &page[page.find("Free for everyone").expect("suggestions")..];
    assert!(free.contains("<li>09:00–10:00</li>") && !free.contains("<li>08:"), "{free}");

    // A day with a break: a second span, shown again on the form.
    let mut split = week.clone();
    split.extend([("until-mon", "12:00"), ("from2-mon", "13:00"), ("until2-mon", "17:00")]);
    split.retain(|(k, v)| *k != "until-mon" || *v == "12:00");
    assert_eq!(post(&split).status(), StatusCode::SEE_OTHER);
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    assert!(
        page.contains("name=\"until-mon\" value=\"12:00\"")
            && page.contains("name=\"from2-mon\" value=\"13:00\"")
            && page.contains("name=\"from2-tue\" value=\"\""),
        "{page}"
    );
    let freebusy = body(client().get(format!("{}/freebusy/bob@example.com", server.url)).send().unwrap());
    assert!(freebusy.contains("T110000Z/") || freebusy.contains("T100000Z/"), "the lunch break: {freebusy}");
    let out = post(&[
        ("hours", "1"),
        ("hours-zone", "Europe/Oslo"),
        ("day-mon", "on"),
        ("from-mon", "09:00"),
        ("until-mon", "13:00"),
        ("from2-mon", "12:00"),
        ("until2-mon", "17:00"),
    ]);
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
    assert!(body(out).contains("Monday: the two spans of hours must not overlap."));

    // Mistakes, per day, in the person's language.
    let out = post(&[
        ("hours", "1"),
        ("hours-zone", "Europe/Oslo"),
        ("day-sat", "on"),
        ("from-sat", "18:00"),
        ("until-sat", "08:00"),
    ]);
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
    assert!(body(out).contains("Saturday: the hours must end after they begin."));
    post(&[("LANG", "de")]);
    let out = post(&[
        ("hours", "1"),
        ("hours-zone", "Europe/Oslo"),
        ("day-tue", "on"),
        ("from-tue", "9 Uhr"),
        ("until-tue", "17:00"),
    ]);
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
    assert!(body(out).contains("Dienstag: „9 Uhr“ ist keine Uhrzeit (etwa 09:00)."));
    let long = "B".repeat(201);
    let out = post(&[("CN", &long)]);
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
    assert!(body(out).contains("Ein Name hat höchstens 200 Zeichen, in einer Zeile."));
    let out = post(&[("availability", "9 to 5")]);
    assert_eq!(out.status(), StatusCode::BAD_REQUEST);
    assert!(body(out).contains("Diese Verfügbarkeit lässt sich nicht lesen"));
    // The refused forms changed nothing.
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    assert_eq!(page.matches(" checked").count(), 5, "{page}");

    // No day ticked: no availability at all, so free at any time.
    let out = post(&[("hours", "1"), ("hours-zone", "Europe/Oslo")]);
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let freebusy = body(client().get(format!("{}/freebusy/bob@example.com", server.url)).send().unwrap());
    assert!(!freebusy.contains("BUSY-UNAVAILABLE"), "{freebusy}");

    // An availability that says more (a priority, a bounded span) is
    // shown as written, and the form does not offer to lose it.
    let written = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VAVAILABILITY\r\nUID:a1\r\n\
        DTSTAMP:20270101T000000Z\r\nDTSTART:20270101T000000Z\r\nPRIORITY:1\r\nBEGIN:AVAILABLE\r\nUID:a1-1\r\n\
        DTSTAMP:20270101T000000Z\r\nDTSTART:20270104T080000Z\r\nDTEND:20270104T120000Z\r\n\
        RRULE:FREQ=WEEKLY\r\nEND:AVAILABLE\r\nEND:VAVAILABILITY\r\nEND:VCALENDAR\r\n";
    assert_eq!(post(&[("availability", written)]).status(), StatusCode::SEE_OTHER);
    let page = body(bob.get(format!("{}/prefs", server.url)).send().unwrap());
    assert!(
        page.contains("<textarea") && page.contains("PRIORITY:1") && !page.contains("type=\"checkbox\""),
        "{page}"
    );
    assert!(page.contains("sagt mehr als Arbeitszeiten"), "{page}");
}
