//! Helpers for the tests that spawn the built `imip` binary: a runner
//! that limits time and memory, and an SMTP/LMTP listener on 127.0.0.1
//! that records what it receives.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Longest a single run may take before it counts as hung and is killed.
pub const HANG: Duration = Duration::from_secs(120);

/// Address space a run may use (1.5 GiB), enforced with `ulimit -v`.
pub const MEMORY_KIB: u64 = 1_536 * 1024;

/// Runs `imip ARGS` in `dir` with `stdin`, without any inherited
/// configuration, under the time and memory bounds above.
pub fn imip(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    run_binary(Path::new(env!("CARGO_BIN_EXE_imip")), dir, args, stdin, None)
}

/// Runs `program ARGS` as [`imip`] runs imip; with `path`, that is the
/// whole of its PATH.
pub fn run_binary(program: &Path, dir: &Path, args: &[&str], stdin: &[u8], path: Option<&Path>) -> Output {
    let mut command = Command::new("/bin/sh");
    command
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env_remove("IMIP_CONFIG")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let mut child = command.spawn().expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    // Feed stdin from a thread: imip may answer before reading it all.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let id = child.id();
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if wait.recv_timeout(HANG).is_err() {
            let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
            return true;
        }
        false
    });
    let output = child.wait_with_output().expect("output");
    let _ = done.send(());
    let _ = feeder.join();
    assert!(!watchdog.join().unwrap_or(false), "{} {args:?} hung and was killed", program.display());
    output
}

/// stdout as text, with folded lines joined.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n").replace("\n ", "")
}

/// `rest` after `--config imip.toml` (the file [`setup`] writes).
pub fn with_config<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--config", "imip.toml"];
    all.extend_from_slice(rest);
    all
}

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A test directory with `imip.toml` (and `resources.toml` when given).
pub fn setup(config: &str, resources: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("imip.toml"), config).expect("config");
    if let Some(resources) = resources {
        std::fs::write(dir.path().join("resources.toml"), resources).expect("resources");
    }
    dir
}

/// One mail a listener took.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// How a listener answers the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    Accept,
    /// 451 to RCPT.
    Defer,
    /// 550 to RCPT.
    Refuse,
    /// Takes the connection and never answers, not even the greeting.
    Hang,
}

/// An SMTP or LMTP listener on 127.0.0.1.
pub struct Listener {
    pub address: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub mood: Arc<Mutex<Mood>>,
}

impl Listener {
    /// Starts one; it serves connections until the test ends.
    pub fn start() -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address").to_string();
        let received = Arc::new(Mutex::new(Vec::new()));
        let mood = Arc::new(Mutex::new(Mood::Accept));
        let (r, m) = (received.clone(), mood.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, m) = (r.clone(), m.clone());
                std::thread::spawn(move || serve(stream, &r, &m));
            }
        });
        Listener { address, received, mood }
    }

    pub fn set(&self, mood: Mood) {
        *self.mood.lock().unwrap() = mood;
    }

    pub fn mails(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(stream: std::net::TcpStream, received: &Mutex<Vec<Received>>, mood: &Mutex<Mood>) {
    if *mood.lock().unwrap() == Mood::Hang {
        // Hold the connection open without a word until the peer gives up.
        let mut sink = [0u8; 512];
        let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
        while std::io::Read::read(&mut &stream, &mut sink).unwrap_or(0) > 0 {}
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let _ = writer.write_all(b"220 test ready\r\n");
    let mut lmtp = false;
    let mut mail = Received { from: String::new(), to: Vec::new(), data: String::new() };
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let upper = line.to_ascii_uppercase();
        let reply: String =
            if upper.starts_with("LHLO") || upper.starts_with("EHLO") || upper.starts_with("HELO") {
                lmtp = upper.starts_with("LHLO");
                "250-test\r\n250 8BITMIME\r\n".into()
            } else if upper.starts_with("MAIL FROM:") {
                mail = Received { from: angle(&line), to: Vec::new(), data: String::new() };
                "250 ok\r\n".into()
            } else if upper.starts_with("RCPT TO:") {
                match *mood.lock().unwrap() {
                    Mood::Accept => {
                        mail.to.push(angle(&line));
                        "250 ok\r\n".into()
                    }
                    Mood::Defer => "451 4.3.0 try again later\r\n".into(),
                    Mood::Refuse => "550 5.1.1 no such user\r\n".into(),
                    Mood::Hang => unreachable!("a hanging listener never reads commands"),
                }
            } else if upper.starts_with("DATA") {
                let _ = writer.write_all(b"354 go ahead\r\n");
                loop {
                    let mut data = String::new();
                    if reader.read_line(&mut data).unwrap_or(0) == 0 {
                        return;
                    }
                    if data == ".\r\n" {
                        break;
                    }
                    let data = data.strip_prefix('.').unwrap_or(&data);
                    mail.data.push_str(data);
                }
                let answers = if lmtp { mail.to.len() } else { 1 };
                received.lock().unwrap().push(mail.clone());
                "250 delivered\r\n".repeat(answers)
            } else if upper.starts_with("QUIT") {
                let _ = writer.write_all(b"221 bye\r\n");
                return;
            } else {
                "250 ok\r\n".into()
            };
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn angle(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(a, _)| a.to_string())
        .unwrap_or_default()
}

/// The iMIP mail of an invitation from `organizer` to `attendees`.
pub fn invitation(uid: &str, organizer: &str, attendees: &[&str], start: &str, end: &str) -> String {
    let lines: String = attendees
        .iter()
        .map(|a| format!("ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{a}\r\n"))
        .collect();
    mail(
        organizer,
        &attendees.join(", "),
        uid,
        "REQUEST",
        &format!(
            "UID:{uid}\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:Planning\r\n\
             ORGANIZER:mailto:{organizer}\r\n{lines}"
        ),
    )
}

/// A one-part iMIP mail around a VEVENT body.
pub fn mail(from: &str, to: &str, message_id: &str, method: &str, vevent: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {method}\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/calendar; method={method}; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\n{vevent}\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// The shared corpus, when present beside the repository.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// Every file under `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
