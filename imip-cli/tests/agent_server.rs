//! `imip serve` and the agents that hand their mail to it
//! (`--server SOCKET`): the same answers, exit codes and commits as the
//! agent alone, and the agent processes the mail itself when no server
//! answers.

mod common;
use common::{imip, invitation, stderr, stdout};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RESOURCES: &str =
    "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n";

/// A directory with a SQLite store and one room.
fn setup() -> tempfile::TempDir {
    common::setup("store = \"sqlite:imip.db\"\nresources = \"resources.toml\"\n", Some(RESOURCES))
}

/// `imip serve` running in a directory, killed when dropped.
struct Server {
    child: Child,
    socket: PathBuf,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let socket = dir.join("agents.sock");
        let log = std::fs::File::create(dir.join("serve.log")).expect("log");
        let child = Command::new(env!("CARGO_BIN_EXE_imip"))
            .args(["--config", "imip.toml", "serve", "--socket"])
            .arg(&socket)
            .current_dir(dir)
            .env_remove("IMIP_CONFIG")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("imip serve runs");
        let started = Instant::now();
        while UnixStream::connect(&socket).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "imip serve did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        Server { child, socket }
    }

    /// The agent's arguments that hand the mail to this server.
    fn resource_args(&self) -> Vec<String> {
        ["--config", "imip.toml", "--dry-run", "resource", "--recipient", "room@example.com", "--server"]
            .iter()
            .map(|s| s.to_string())
            .chain([self.socket.display().to_string()])
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(dir: &Path, args: &[String], mail: &str) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    imip(dir, &args, mail.as_bytes())
}

const ALONE: &[&str] = &["--config", "imip.toml", "--dry-run", "resource", "--recipient", "room@example.com"];

/// The output with what differs between two runs of the same mail taken
/// out: the IDs imip makes (time and process), and the times written.
fn comparable(output: &str) -> String {
    output
        .lines()
        .map(|line| {
            for prefix in ["From ", "Date: ", "DTSTAMP:"] {
                if line.starts_with(prefix) {
                    return prefix.to_string();
                }
            }
            let mut kept = String::new();
            let mut rest = line;
            while let Some(at) = rest.find("imip-") {
                kept.push_str(&rest[..at]);
                kept.push_str("imip-ID");
                let id = &rest[at + 5..];
                let end = id.find(|c: char| !(c.is_ascii_hexdigit() || c == '-')).unwrap_or(id.len());
                rest = &id[end..];
            }
            kept.push_str(rest);
            kept
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn booking(uid: &str, organizer: &str) -> String {
    invitation(uid, organizer, &["room@example.com"], "20300310T140000Z", "20300310T150000Z")
}

#[test]
fn a_served_mail_gets_the_answer_exit_code_and_commit_of_the_agent_alone() {
    let (served, alone) = (setup(), setup());
    let server = Server::start(served.path());
    for (uid, organizer, answer) in [
        ("a1@example.com", "alice@example.com", "ACCEPTED"),
        ("b1@example.com", "bob@example.com", "DECLINED"),
    ] {
        let mail = booking(uid, organizer);
        let via = run(served.path(), &server.resource_args(), &mail);
        let here = imip(alone.path(), ALONE, mail.as_bytes());
        assert_eq!(via.status.code(), Some(0), "{}", stderr(&via));
        assert_eq!(here.status.code(), Some(0), "{}", stderr(&here));
        assert!(stdout(&via).contains(answer), "{}", stdout(&via));
        assert_eq!(comparable(&stdout(&via)), comparable(&stdout(&here)), "{uid}");
        assert!(!stderr(&via).contains("processing the mail here"), "{}", stderr(&via));
    }
    // The server's commits are in the store for everyone: the agent
    // alone, in the same directory, finds the slot taken.
    let third = imip(served.path(), ALONE, booking("c1@example.com", "carol@example.com").as_bytes());
    assert!(stdout(&third).contains("DECLINED"), "{}", stdout(&third));
    // And a duplicate of the first, handed over, sends nothing.
    let again = run(served.path(), &server.resource_args(), &booking("a1@example.com", "alice@example.com"));
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty(), "{}", stdout(&again));
}

#[test]
fn a_refused_mail_exits_with_the_agents_code_and_reason() {
    let dir = setup();
    let server = Server::start(dir.path());
    let mut args = server.resource_args();
    let at = args.iter().position(|a| a == "room@example.com").expect("recipient");
    args[at] = "hall@example.com".into();
    let output = run(dir.path(), &args, &booking("a1@example.com", "alice@example.com"));
    let alone: Vec<&str> =
        ALONE.iter().map(|a| if *a == "room@example.com" { "hall@example.com" } else { a }).collect();
    let here = imip(dir.path(), &alone, booking("a1@example.com", "alice@example.com").as_bytes());
    assert_eq!(output.status.code(), Some(78), "{}", stderr(&output));
    assert_eq!(output.status.code(), here.status.code());
    assert!(stderr(&output).contains("hall@example.com is not a resource"), "{}", stderr(&output));
}

#[test]
fn without_a_server_the_agent_processes_the_mail_itself() {
    let dir = setup();
    let mut args: Vec<String> = ALONE.iter().map(|s| s.to_string()).collect();
    args.extend(["--server".into(), dir.path().join("nobody.sock").display().to_string()]);
    let output = run(dir.path(), &args, &booking("a1@example.com", "alice@example.com"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("ACCEPTED"), "{}", stdout(&output));
    assert!(stderr(&output).contains("processing the mail here"), "{}", stderr(&output));
}

#[test]
fn options_the_server_cannot_take_are_refused() {
    let dir = setup();
    let server = Server::start(dir.path());
    let mut args = vec!["--store".to_string(), "fs:elsewhere".into()];
    args.extend(server.resource_args());
    let output = run(dir.path(), &args, &booking("a1@example.com", "alice@example.com"));
    assert_eq!(output.status.code(), Some(64), "{}", stderr(&output));
    assert!(stderr(&output).contains("--store with --server"), "{}", stderr(&output));
    assert!(!dir.path().join("elsewhere").exists());
}

/// Sends raw bytes to the server as an agent would, and reads its answer
/// line.
fn exchange(socket: &Path, bytes: &[u8]) -> String {
    let mut stream = UnixStream::connect(socket).expect("connect");
    stream.write_all(bytes).expect("write");
    stream.shutdown(std::net::Shutdown::Write).expect("shutdown");
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).expect("answer");
    line
}

#[test]
fn the_server_answers_a_malformed_request_and_keeps_serving() {
    let dir = setup();
    let server = Server::start(dir.path());
    let answer = exchange(&server.socket, b"this is not a request\nFrom: x\r\n\r\n");
    assert!(answer.contains("\"code\":64") && answer.contains("malformed request"), "{answer}");
    let answer = exchange(&server.socket, b"{\"agent\":\"janitor\"}\n");
    assert!(answer.contains("\"code\":64") && answer.contains("no agent \\\"janitor\\\""), "{answer}");
    // While an agent that connected says nothing, the next mail is
    // served (each agent is read in a thread of its own).
    let silent = UnixStream::connect(&server.socket).expect("connect");
    let output = run(dir.path(), &server.resource_args(), &booking("a1@example.com", "alice@example.com"));
    drop(silent);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("ACCEPTED"), "{}", stdout(&output));
}

#[test]
fn the_server_reads_a_changed_configuration_before_the_next_mail() {
    let dir = setup();
    let server = Server::start(dir.path());
    let first = run(dir.path(), &server.resource_args(), &booking("a1@example.com", "alice@example.com"));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // The room is renamed: the next mail to it is refused, as the agent
    // alone would refuse it.
    std::fs::write(dir.path().join("resources.toml"), RESOURCES.replace("room@", "hall@")).expect("write");
    let second = run(dir.path(), &server.resource_args(), &booking("b1@example.com", "bob@example.com"));
    assert_eq!(second.status.code(), Some(78), "{}", stderr(&second));
    // A configuration that no longer reads fails each mail with 78 until
    // it is mended.
    std::fs::write(dir.path().join("resources.toml"), "[[resource]]\nkind = 3\n").expect("write");
    let broken = run(dir.path(), &server.resource_args(), &booking("c1@example.com", "carol@example.com"));
    assert_eq!(broken.status.code(), Some(78), "{}", stderr(&broken));
    std::fs::write(dir.path().join("resources.toml"), RESOURCES).expect("write");
    let mended = run(dir.path(), &server.resource_args(), &booking("d1@example.com", "dave@example.com"));
    assert_eq!(mended.status.code(), Some(0), "{}", stderr(&mended));
    assert!(stdout(&mended).contains("DECLINED"), "a1 holds the slot: {}", stdout(&mended));
}

#[test]
fn a_mail_over_the_servers_limit_is_processed_by_the_agent_by_its_own_rules() {
    let dir = common::setup(
        "store = \"sqlite:imip.db\"\nresources = \"resources.toml\"\n[limits]\nmax_message_bytes = 2000\n",
        Some(RESOURCES),
    );
    let server = Server::start(dir.path());
    let mut mail = booking("a1@example.com", "alice@example.com");
    mail = mail.replace("SUMMARY:Planning", &format!("SUMMARY:{}", "Planning ".repeat(120_000)));
    // Larger than the socket's buffer too: the server answers before it
    // has read it all, and the agent reads that answer.
    assert!(mail.len() > 1_000_000);
    let via = run(dir.path(), &server.resource_args(), &mail);
    let here = imip(dir.path(), ALONE, mail.as_bytes());
    assert_eq!(via.status.code(), here.status.code(), "{}", stderr(&via));
    assert!(stderr(&via).contains("leaves this mail to the agent"), "{}", stderr(&via));
}

#[test]
fn a_second_server_on_the_same_socket_is_refused() {
    let dir = setup();
    let server = Server::start(dir.path());
    let args = ["--config", "imip.toml", "serve", "--socket", "agents.sock"];
    let second = imip(dir.path(), &args, b"");
    assert_eq!(second.status.code(), Some(78), "{}", stderr(&second));
    assert!(stderr(&second).contains("another imip serve listens there"), "{}", stderr(&second));
    let mut answer = String::new();
    let mut stream = UnixStream::connect(&server.socket).expect("still served");
    stream.write_all(b"{}\n").expect("write");
    stream.shutdown(std::net::Shutdown::Write).expect("shutdown");
    stream.read_to_string(&mut answer).expect("read");
    assert!(answer.contains("\"code\":64"), "{answer}");
}

#[test]
fn a_person_agents_mail_is_recorded_and_delivered_by_the_server() {
    let listener = common::Listener::start();
    let dir = common::setup(
        &format!("store = \"sqlite:imip.db\"\ndelivery = \"lmtp:{}\"\n", listener.address),
        None,
    );
    let server = Server::start(dir.path());
    let socket = server.socket.display().to_string();
    let invitation = invitation(
        "p1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let args = ["--config", "imip.toml", "person", "--recipient", "bob@example.com", "--server", &socket];
    let output = imip(dir.path(), &args, invitation.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "nothing printed outside a dry run");
    let mails = listener.mails();
    assert_eq!(mails.len(), 1, "the server delivered the mail to the mailbox");
    assert!(mails[0].data.contains("alice@example.com invites you to “Planning”."), "{}", mails[0].data);
    let pending = imip(dir.path(), &["--config", "imip.toml", "pending"], b"");
    assert!(String::from_utf8_lossy(&pending.stdout).contains("\tbob@example.com\tinvitation to answer\t"));
    // Alice's own client sent it: the outgoing agent records it for her.
    let args =
        ["--config", "imip.toml", "person-outgoing", "--user", "alice@example.com", "--server", &socket];
    let outgoing = imip(dir.path(), &args, invitation.as_bytes());
    assert_eq!(outgoing.status.code(), Some(0), "{}", stderr(&outgoing));
    let agenda = imip(
        dir.path(),
        &["--config", "imip.toml", "agenda", "--as", "alice@example.com", "--from", "2030-03-10"],
        b"",
    );
    assert!(String::from_utf8_lossy(&agenda.stdout).contains("Planning"), "{}", stdout(&agenda));
    // The same through imipc, for Carol, with the envelope's sender.
    let invitation = common::invitation(
        "p2@example.com",
        "alice@example.com",
        &["carol@example.com"],
        "20300311T140000Z",
        "20300311T150000Z",
    );
    let args: Vec<String> = [
        "--config",
        "imip.toml",
        "person",
        "--envelope-from",
        "alice@example.com",
        "--recipient",
        "carol@example.com",
        "--server",
        &socket,
    ]
    .map(String::from)
    .to_vec();
    let output = imipc(dir.path(), &args, &invitation);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mails = listener.mails();
    assert_eq!(mails.len(), 2, "the server delivered Carol's mail");
    assert!(mails[1].data.contains("alice@example.com invites you to"), "{}", mails[1].data);
    let pending = imip(dir.path(), &["--config", "imip.toml", "pending"], b"");
    assert!(String::from_utf8_lossy(&pending.stdout).contains("\tcarol@example.com\tinvitation to answer\t"));
}

/// Runs `imipc` (the small agent binary) as `imip` runs in [`imip`].
fn imipc(dir: &Path, args: &[String], mail: &str) -> std::process::Output {
    imipc_at(Path::new(env!("CARGO_BIN_EXE_imipc")), dir, args, mail)
}

/// Runs the `imipc` at `program`, with only its own directory on PATH.
fn imipc_at(program: &Path, dir: &Path, args: &[String], mail: &str) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::run_binary(program, dir, &args, mail.as_bytes(), program.parent())
}

#[test]
fn imipc_hands_the_mail_over_with_imips_answer_exit_code_and_reason() {
    let (small, full) = (setup(), setup());
    let (small_server, full_server) = (Server::start(small.path()), Server::start(full.path()));
    for (uid, organizer, room, code) in [
        ("a1@example.com", "alice@example.com", "room@example.com", 0),
        ("b1@example.com", "bob@example.com", "room@example.com", 0),
        ("c1@example.com", "carol@example.com", "hall@example.com", 78),
    ] {
        let mail = booking(uid, organizer);
        let with_room = |args: Vec<String>| -> Vec<String> {
            args.into_iter().map(|a| if a == "room@example.com" { room.to_string() } else { a }).collect()
        };
        let by_imipc = imipc(small.path(), &with_room(small_server.resource_args()), &mail);
        let by_imip = run(full.path(), &with_room(full_server.resource_args()), &mail);
        assert_eq!(by_imipc.status.code(), Some(code), "{uid}: {}", stderr(&by_imipc));
        assert_eq!(by_imipc.status.code(), by_imip.status.code(), "{uid}");
        assert_eq!(comparable(&stdout(&by_imipc)), comparable(&stdout(&by_imip)), "{uid}");
        assert_eq!(stderr(&by_imipc), stderr(&by_imip), "{uid}");
    }
    // Served, not processed by an imip it started: the server's log names
    // the mails, and the second booking of the slot was declined there.
    let log = std::fs::read_to_string(small.path().join("serve.log")).expect("log");
    for served in ["message_id=\"a1@example.com\"", "message_id=\"b1@example.com\"", "resource declined"] {
        assert!(log.contains(served), "{served}: {log}");
    }
    // The start's probe of the socket (connected, closed without a word)
    // is not a mail that failed.
    assert!(!log.contains("WARN"), "{log}");
    let second =
        imipc(small.path(), &small_server.resource_args(), &booking("b1@example.com", "bob@example.com"));
    assert!(second.stdout.is_empty(), "a duplicate sends nothing: {}", stdout(&second));
}

#[test]
fn imipc_leaves_every_other_line_to_imip() {
    let dir = setup();
    // No server at the socket: imip processes the mail, and says so.
    let mut args: Vec<String> = ALONE.iter().map(|s| s.to_string()).collect();
    args.extend(["--server".into(), dir.path().join("nobody.sock").display().to_string()]);
    let output = imipc(dir.path(), &args, &booking("a1@example.com", "alice@example.com"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("ACCEPTED"), "{}", stdout(&output));
    assert!(stderr(&output).contains("processing the mail here"), "{}", stderr(&output));
    // Without --server at all: imip alone, the slot now taken.
    let args: Vec<String> = ALONE.iter().map(|s| s.to_string()).collect();
    let output = imipc(dir.path(), &args, &booking("b1@example.com", "bob@example.com"));
    assert!(stdout(&output).contains("DECLINED"), "{}", stdout(&output));
    // Refusals, help and version are imip's, word for word.
    let server = Server::start(dir.path());
    let mut refused = vec!["--store".to_string(), "fs:elsewhere".into()];
    refused.extend(server.resource_args());
    for line in [refused, vec!["resource".into(), "--help".into()], vec!["--version".into()], vec![]] {
        let small = imipc(dir.path(), &line, "");
        let full = run(dir.path(), &line, "");
        assert_eq!(small.status.code(), full.status.code(), "{line:?}");
        assert_eq!(stdout(&small), stdout(&full), "{line:?}");
        assert_eq!(stderr(&small), stderr(&full), "{line:?}");
    }
    assert!(!dir.path().join("elsewhere").exists());
}

#[test]
fn a_mail_the_server_leaves_to_imipc_is_processed_by_imip_alone() {
    let dir = common::setup(
        "store = \"sqlite:imip.db\"\nresources = \"resources.toml\"\n[limits]\nmax_message_bytes = 2000\n",
        Some(RESOURCES),
    );
    let twin = common::setup(
        "store = \"sqlite:imip.db\"\nresources = \"resources.toml\"\n[limits]\nmax_message_bytes = 2000\n",
        Some(RESOURCES),
    );
    let server = Server::start(dir.path());
    let mut mail = booking("a1@example.com", "alice@example.com");
    mail = mail.replace("SUMMARY:Planning", &format!("SUMMARY:{}", "Planning ".repeat(120_000)));
    let via = imipc(dir.path(), &server.resource_args(), &mail);
    let here = imip(twin.path(), ALONE, mail.as_bytes());
    assert_eq!(via.status.code(), here.status.code(), "{}", stderr(&via));
    assert_eq!(comparable(&stdout(&via)), comparable(&stdout(&here)));
    assert!(stderr(&via).contains("leaves this mail to the agent"), "{}", stderr(&via));
    // imip was not sent back to the server: it did not say so twice.
    assert_eq!(stderr(&via).matches("leaves this mail").count(), 1, "{}", stderr(&via));
}
