#!/usr/bin/env python3
"""End to end with a real mail system: Postfix and Dovecot.

Installs Postfix and Dovecot from Debian's packages when they are missing,
runs a private instance of each on loopback (Postfix's smtpd on
127.0.0.1:2525, Dovecot's LMTP on 127.0.0.1:2424, everything under one
temporary directory), and wires `imip` in with the Postfix recipe of the
repository's README.md, read from that file, with only the paths changed.
Then it exchanges real mail over SMTP and checks the Dovecot maildirs and
the imip store (through `imip freebusy` and `imip pending`), never the
agents' logs:

1. An organizer invites a person, a room and a car. The room and the car
   accept; the person's mailbox gets the invitation wrapped with a
   summary; the organizer's mailbox gets the REPLYs.
2. A second organizer asks for the same slot: the room declines, the car
   (configured with next-available) counter-proposes.
3. The person accepts with their own client: the REPLY goes out, the
   outgoing agent records it, and their free/busy turns BUSY.
4. The organizer cancels: the room's time is freed and the person's
   mailbox gets the cancellation.
5. A VFREEBUSY request to the room is answered.
6. Dovecot stops while mail arrives: `imip person` exits 75, Postfix
   defers; once Dovecot is back and the queue is flushed, every message
   has arrived exactly once.
7. `imip serve` runs and the room's pipe becomes `imipc resource
   --server` (the README's "A server for busy hosts"): a booking goes
   through the server (its log names the message) and is accepted; with
   the server stopped, imipc runs imip, which processes the next request
   for the same slot itself, and the room declines it.

Skipped (exit 0, with a message) only when the packages cannot be
installed. Cleans up after itself.
"""

import email
import os
import pathlib
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
SMTP_PORT = 2525
LMTP_PORT = 2424
DAY = "20300610"


def log(text):
    print(f"[e2e] {text}", flush=True)


def skip(reason):
    print(f"[e2e] skipped: {reason}", flush=True)
    sys.exit(0)


def run(*argv, check=True, **kwargs):
    return subprocess.run(argv, check=check, text=True, capture_output=True, **kwargs)


def daemon(*argv):
    """Starts a program that puts itself in the background: its children
    keep no pipe of ours open."""
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ensure_packages():
    if all(shutil.which(p) for p in ("postfix", "dovecot", "doveadm", "postqueue", "postmap")):
        return
    if os.geteuid() != 0:
        skip("Postfix and Dovecot are not installed and installing them needs root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Keep the packages' own services from starting on the real ports.
    policy = pathlib.Path("/usr/sbin/policy-rc.d")
    added_policy = not policy.exists()
    if added_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        for attempt in (["apt-get", "install", "-y", "-q", "postfix", "dovecot-core", "dovecot-lmtpd"],):
            result = subprocess.run(attempt, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
                result = subprocess.run(attempt, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                skip("apt-get could not install postfix and dovecot:\n" + result.stderr[-2000:])
    finally:
        if added_policy:
            policy.unlink()


def readme_postfix_recipe():
    """The code blocks of the README's Postfix section, in order:
    master.cf, main.cf, the transport map, the sender_bcc map."""
    text = (REPO / "README.md").read_text()
    section = text.split("### Postfix", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, re.S)
    if len(blocks) != 4:
        raise SystemExit(f"README's Postfix section has {len(blocks)} code blocks, the test expects 4")
    return dict(zip(("master", "main", "transport", "sender_bcc"), blocks))


MASTER_BASE = f"""\
127.0.0.1:{SMTP_PORT} inet n - n - - smtpd
pickup    unix  n - n 60    1 pickup
cleanup   unix  n - n -     0 cleanup
qmgr      unix  n - n 300   1 qmgr
rewrite   unix  - - n -     - trivial-rewrite
bounce    unix  - - n -     0 bounce
defer     unix  - - n -     0 bounce
trace     unix  - - n -     0 bounce
verify    unix  - - n -     1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -     - proxymap
smtp      unix  - - n -     - smtp
relay     unix  - - n -     - smtp
showq     unix  n - n -     - showq
error     unix  - - n -     - error
retry     unix  - - n -     - error
discard   unix  - - n -     - discard
local     unix  - n n -     - local
lmtp      unix  - - n -     - lmtp
anvil     unix  - - n -     1 anvil
scache    unix  - - n -     1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

RESOURCES = """\
[[resource]]
address = "room@example.com"
[[resource.policy]]
kind = "free-busy"

[[resource]]
address = "cars@example.com"
[[resource.policy]]
kind = "permitted-times"
minutes = [0, 30]
[[resource.policy]]
kind = "next-available"
search = "P2D"
"""


class MailSystem:
    """The private Postfix, Dovecot and imip set-up under one directory."""

    def __init__(self, root: pathlib.Path, recipe: dict):
        self.root = root
        self.postfix_dir = root / "postfix"
        self.dovecot_conf = root / "dovecot.conf"
        self.imip = root / "bin" / "imip"
        self.config = root / "imip.toml"
        self.mail = root / "mail"
        self.recipe = recipe

    def path(self, text: str) -> str:
        """The README's paths, moved under the test's directory."""
        return text.replace("/usr/local/bin/imip", str(self.imip)).replace(
            "/etc/postfix/", f"{self.postfix_dir}/"
        )

    def install(self):
        for sub in ("bin", "postfix", "queue", "data", "store", "mail", "dovecot/run", "dovecot/state"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        log("building imip")
        subprocess.run(["cargo", "build", "-q", "-p", "imip-cli"], cwd=REPO, check=True)
        shutil.copy(REPO / "target" / "debug" / "imip", self.imip)
        shutil.copy(REPO / "target" / "debug" / "imipc", self.imip.with_name("imipc"))
        self.imip.chmod(0o755)
        self.config.write_text(
            f'store = "fs:{self.root}/store"\n'
            'sender = "calendar@example.com"\n'
            f'resources = "{self.root}/resources.toml"\n'
            f'transport = "smtp:127.0.0.1:{SMTP_PORT}"\n'
            f'delivery = "lmtp:127.0.0.1:{LMTP_PORT}"\n'
        )
        (self.root / "resources.toml").write_text(RESOURCES)
        run("chown", "-R", "imip:imip", str(self.root / "store"), str(self.mail))
        run("chown", "postfix", str(self.root / "data"))
        self.write_postfix()
        self.write_dovecot()

    def write_postfix(self):
        recipe = self.recipe
        (self.postfix_dir / "master.cf").write_text(MASTER_BASE + self.path(recipe["master"]))
        (self.postfix_dir / "main.cf").write_text(
            "compatibility_level = 3.6\n"
            f"queue_directory = {self.root}/queue\n"
            f"data_directory = {self.root}/data\n"
            "mail_owner = postfix\n"
            "setgid_group = postdrop\n"
            "inet_interfaces = 127.0.0.1\n"
            "inet_protocols = ipv4\n"
            "myhostname = mx.example.com\n"
            "mydestination =\n"
            "relay_domains = example.com outgoing.example.com\n"
            "mynetworks = 127.0.0.0/8\n"
            "smtpd_relay_restrictions = permit_mynetworks, reject\n"
            f"maillog_file = {self.root}/postfix.log\n"
            f"maillog_file_prefixes = {self.root}\n"
            f"import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG IMIP_CONFIG={self.config}\n"
            "export_environment = TZ MAIL_CONFIG LANG IMIP_CONFIG\n"
            "queue_run_delay = 2s\nminimal_backoff_time = 2s\nmaximal_backoff_time = 4s\n"
            "biff = no\nsmtputf8_enable = no\n" + self.path(recipe["main"])
        )
        for name in ("transport", "sender_bcc"):
            (self.postfix_dir / name).write_text(recipe[name])
            run("postmap", str(self.postfix_dir / name))

    def write_dovecot(self):
        self.dovecot_conf.write_text(
            f"base_dir = {self.root}/dovecot/run\n"
            f"state_dir = {self.root}/dovecot/state\n"
            f"log_path = {self.root}/dovecot.log\n"
            "protocols = lmtp\n"
            "listen = 127.0.0.1\n"
            "ssl = no\n"
            "first_valid_uid = 1\n"
            f"mail_location = maildir:{self.mail}/%d/%n\n"
            "userdb {\n  driver = static\n"
            f"  args = uid=imip gid=imip home={self.mail}/%d/%n\n}}\n"
            "passdb {\n  driver = static\n  args = nopassword=y\n}\n"
            "service lmtp {\n  inet_listener lmtp {\n"
            f"    address = 127.0.0.1\n    port = {LMTP_PORT}\n  }}\n}}\n"
        )

    def start_dovecot(self):
        daemon("dovecot", "-c", str(self.dovecot_conf))
        wait_for_port(LMTP_PORT)

    def stop_dovecot(self):
        run("doveadm", "-c", str(self.dovecot_conf), "stop", check=False)
        pid_file = self.root / "dovecot" / "run" / "master.pid"
        if pid_file.exists():
            subprocess.run(["kill", pid_file.read_text().strip()], capture_output=True)
        deadline = time.time() + 20
        while time.time() < deadline and port_open(LMTP_PORT):
            time.sleep(0.2)

    def start_postfix(self):
        run("postfix", "-c", str(self.postfix_dir), "check", check=False)
        daemon("postfix", "-c", str(self.postfix_dir), "start")
        wait_for_port(SMTP_PORT)

    def stop_postfix(self):
        run("postfix", "-c", str(self.postfix_dir), "stop", check=False)

    def flush(self):
        run("postqueue", "-c", str(self.postfix_dir), "-f", check=False)

    def queue(self) -> str:
        return run("postqueue", "-c", str(self.postfix_dir), "-p", check=False).stdout

    def start_server(self) -> subprocess.Popen:
        """`imip serve` as the imip user, on a socket under the test's directory."""
        run_dir = self.root / "run"
        run_dir.mkdir(exist_ok=True)
        run("chown", "imip:imip", str(run_dir))
        self.socket = run_dir / "agents.sock"
        with open(self.root / "serve.log", "w") as server_log:
            server = subprocess.Popen(
                [str(self.imip), "--config", str(self.config), "serve", "--socket", str(self.socket)],
                user="imip", group="imip", extra_groups=[],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=server_log)
        deadline = time.time() + 30
        while True:
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(self.socket))
                return server
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise AssertionError(f"imip serve did not listen:\n{tail(self.root / 'serve.log')}")
                time.sleep(0.2)

    def resource_via_server(self):
        """The README's master.cf with `imipc resource --server SOCKET` on the resource pipe."""
        master = self.path(self.recipe["master"])
        served = master.replace(f"{self.imip} resource ", f"{self.imip}c resource --server {self.socket} ")
        assert served != master, "the resource pipe is not in the README's master.cf"
        (self.postfix_dir / "master.cf").write_text(MASTER_BASE + served)
        run("postfix", "-c", str(self.postfix_dir), "reload")

    def imip_cmd(self, *args) -> str:
        result = run(str(self.imip), "--config", str(self.config), *args, check=False)
        if result.returncode != 0:
            raise AssertionError(f"imip {' '.join(args)} exited {result.returncode}: {result.stderr}")
        return result.stdout

    def freebusy(self, user: str) -> str:
        return self.imip_cmd("freebusy", "--user", user, "--from", f"{DAY}T000000Z", "--to", f"{DAY}T235959Z")

    def mailbox(self, user: str) -> list:
        local, domain = user.split("@")
        messages = []
        for sub in ("new", "cur"):
            folder = self.mail / domain / local / sub
            if folder.is_dir():
                messages.extend(p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.iterdir()))
        return messages


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int):
    deadline = time.time() + 30
    while time.time() < deadline:
        if port_open(port):
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def unfold(text: str) -> str:
    """A stored message as text: its headers and every part decoded
    (quoted-printable, base64, attached messages), with folded iCalendar
    lines joined."""
    message = email.message_from_string(text)
    pieces = [text.split("\n\n", 1)[0]]
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            pieces.extend(f"{k}: {v}" for k, v in part.items())
            continue
        payload = part.get_payload(decode=True) or b""
        pieces.extend(f"{k}: {v}" for k, v in part.items())
        pieces.append(payload.decode("utf-8", "replace"))
    joined = "\n".join(pieces).replace("\r\n", "\n")
    return joined.replace("\n ", "").replace("\n\t", "")


def wait_for(system: MailSystem, user: str, *needles: str, count: int = 1, timeout: float = 60) -> list:
    """Waits until `count` messages in the user's mailbox contain every needle."""
    deadline = time.time() + timeout
    while True:
        found = [m for m in system.mailbox(user) if all(n in unfold(m) for n in needles)]
        if len(found) >= count:
            return found
        if time.time() > deadline:
            raise AssertionError(
                f"{user}'s mailbox has {len(found)} message(s) with {needles}, expected {count}.\n"
                f"queue:\n{system.queue()}\n"
                f"postfix log tail:\n{tail(system.root / 'postfix.log')}"
            )
        system.flush()
        time.sleep(0.5)


def deferrals(system: MailSystem) -> str:
    """Postfix's own log lines of deferred deliveries to bob."""
    log_file = system.root / "postfix.log"
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    return "\n".join(line for line in text.splitlines() if "status=deferred" in line and "bob@" in line)


def tail(path: pathlib.Path, lines: int = 30) -> str:
    if not path.exists():
        return "(none)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def send(sender: str, recipients: list, subject: str, ics: str, method: str):
    body = ics.strip("\n").replace("\n", "\r\n") + "\r\n"
    message = (
        f"From: {sender}\r\nTo: {', '.join(recipients)}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '-').lower()}-{time.time_ns()}@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        f"Content-Type: text/calendar; charset=utf-8; method={method}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + body
    )
    with smtplib.SMTP("127.0.0.1", SMTP_PORT, timeout=30) as smtp:
        smtp.sendmail(sender, recipients, message.encode())


def event(method: str, uid: str, organizer: str, attendees: list, start: str, end: str, sequence=0, extra=""):
    lines = "".join(f"ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:{a}\n" for a in attendees)
    return f"""BEGIN:VCALENDAR
PRODID:-//imip e2e//EN
VERSION:2.0
METHOD:{method}
BEGIN:VEVENT
UID:{uid}
DTSTAMP:{DAY}T0{sequence}0000Z
SEQUENCE:{sequence}
DTSTART:{DAY}T{start}00Z
DTEND:{DAY}T{end}00Z
SUMMARY:Quarterly review
ORGANIZER:mailto:{organizer}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{organizer}
{lines}{extra}END:VEVENT
END:VCALENDAR"""


def scenarios(system: MailSystem):
    alice, bob, carol = "alice@example.com", "bob@example.com", "carol@example.com"
    room, cars = "room@example.com", "cars@example.com"

    log("1. alice invites bob, the room and a car")
    send(alice, [bob, room, cars], "Quarterly review",
         event("REQUEST", "review@example.com", alice, [bob, room, cars], "1000", "1100"), "REQUEST")
    invitation = wait_for(system, bob, "review@example.com")[0]
    assert "multipart/mixed" in invitation and "message/rfc822" in invitation, "not wrapped with a summary"
    assert "invites you" in unfold(invitation), "the summary is missing"
    wait_for(system, alice, "METHOD:REPLY", f"PARTSTAT=ACCEPTED:mailto:{room}")
    wait_for(system, alice, "METHOD:REPLY", f"PARTSTAT=ACCEPTED:mailto:{cars}")
    assert "FREEBUSY" in system.freebusy(room) and f"{DAY}T100000Z" in system.freebusy(room)
    assert "review@example.com" in system.imip_cmd("pending", "--user", bob)

    log("2. carol asks for the same slot: the room declines, the car counter-proposes")
    send(carol, [room, cars], "Competing meeting",
         event("REQUEST", "competing@example.com", carol, [room, cars], "1000", "1100"), "REQUEST")
    wait_for(system, carol, "METHOD:REPLY", f"PARTSTAT=DECLINED:mailto:{room}")
    counter = wait_for(system, carol, "METHOD:COUNTER", "competing@example.com")[0]
    assert f"DTSTART:{DAY}T110000Z" in unfold(counter), "the car should propose 11:00"

    log("3. bob accepts with his own client; his free/busy turns BUSY")
    assert "BUSY-TENTATIVE" in system.freebusy(bob)
    reply = f"""BEGIN:VCALENDAR
PRODID:-//bob's client//EN
VERSION:2.0
METHOD:REPLY
BEGIN:VEVENT
UID:review@example.com
DTSTAMP:{DAY}T010000Z
SEQUENCE:0
ORGANIZER:mailto:{alice}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{bob}
END:VEVENT
END:VCALENDAR"""
    send(bob, [alice], "Accepted: Quarterly review", reply, "REPLY")
    wait_for(system, alice, "METHOD:REPLY", f"PARTSTAT=ACCEPTED:mailto:{bob}")
    deadline = time.time() + 30
    while "BUSY-TENTATIVE" in system.freebusy(bob) and time.time() < deadline:
        time.sleep(0.5)
    busy = system.freebusy(bob)
    assert "FREEBUSY" in busy and "BUSY-TENTATIVE" not in busy, f"bob's free/busy:\n{busy}"

    log("4. alice cancels; the room is freed and bob is told")
    cancel = event("CANCEL", "review@example.com", alice, [bob, room, cars], "1000", "1100", sequence=1,
                   extra="STATUS:CANCELLED\n")
    send(alice, [bob, room, cars], "Cancelled: Quarterly review", cancel, "CANCEL")
    wait_for(system, bob, "METHOD:CANCEL", "review@example.com")
    deadline = time.time() + 30
    while f"{DAY}T100000Z" in system.freebusy(room) and time.time() < deadline:
        time.sleep(0.5)
    assert f"{DAY}T100000Z" not in system.freebusy(room), f"the room is still busy:\n{system.freebusy(room)}"

    log("5. a VFREEBUSY request to the room is answered")
    send(carol, [room], "Busy time?", f"""BEGIN:VCALENDAR
PRODID:-//imip e2e//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VFREEBUSY
UID:fb-1@example.com
DTSTAMP:{DAY}T020000Z
DTSTART:{DAY}T000000Z
DTEND:{DAY}T235959Z
ORGANIZER:mailto:{carol}
ATTENDEE:mailto:{room}
END:VFREEBUSY
END:VCALENDAR""", "REQUEST")
    wait_for(system, carol, "METHOD:REPLY", "BEGIN:VFREEBUSY", "fb-1@example.com")

    log("6. Dovecot stops while mail arrives; after it is back, every message arrives once")
    system.stop_dovecot()
    for n in range(3):
        send(alice, [bob], f"Outage {n}",
             event("REQUEST", f"outage-{n}@example.com", alice, [bob], f"1{n + 2}00", f"1{n + 3}00"), "REQUEST")
    deadline = time.time() + 30
    while "deferred" not in system.queue().lower() and "outage" not in system.queue().lower():
        if time.time() > deadline:
            break
        time.sleep(0.5)
    queued = system.queue()
    assert "Mail queue is empty" not in queued, "Postfix should hold the mail while Dovecot is down"
    assert not any("outage-" in m for m in system.mailbox(bob)), "delivered while Dovecot was down"
    deadline = time.time() + 30
    while time.time() < deadline and "relay=imip-person" not in deferrals(system):
        time.sleep(0.5)
    assert "dsn=4.3.0" in deferrals(system), "imip person should exit 75 (a temporary failure) for Postfix"
    system.start_dovecot()
    system.flush()
    for n in range(3):
        wait_for(system, bob, f"outage-{n}@example.com")
    time.sleep(3)
    system.flush()
    time.sleep(2)
    for n in range(3):
        copies = [m for m in system.mailbox(bob) if f"outage-{n}@example.com" in m]
        assert len(copies) == 1, f"outage-{n} arrived {len(copies)} times"
    for user in (alice, bob, carol):
        ids = [re.search(r"(?im)^Message-ID:\s*(\S+)", m) for m in system.mailbox(user)]
        ids = [i.group(1) for i in ids if i]
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, f"{user} got {duplicates} more than once"
    assert "Mail queue is empty" in system.queue(), f"mail left in the queue:\n{system.queue()}"

    log("7. imip serve: the room's agent hands its mail over, and without a server processes it itself")
    server = system.start_server()
    try:
        system.resource_via_server()
        send(carol, [room], "Served booking",
             event("REQUEST", "served@example.com", carol, [room], "1300", "1400"), "REQUEST")
        wait_for(system, carol, "METHOD:REPLY", f"PARTSTAT=ACCEPTED:mailto:{room}", "served@example.com")
        served = (system.root / "serve.log").read_text(errors="replace")
        assert "served-booking-" in served and 'agent="resource"' in served, f"not through the server:\n{served}"
    finally:
        server.terminate()
        server.wait(timeout=30)
    send(carol, [room], "Unserved booking",
         event("REQUEST", "unserved@example.com", carol, [room], "1300", "1400"), "REQUEST")
    wait_for(system, carol, "METHOD:REPLY", f"PARTSTAT=DECLINED:mailto:{room}", "unserved@example.com")
    served = (system.root / "serve.log").read_text(errors="replace")
    assert "unserved-booking-" not in served, "the server was stopped"
    log("store check: " + system.imip_cmd("store", "check").strip())


def main():
    if sys.platform != "linux":
        skip("needs Linux")
    ensure_packages()
    if os.geteuid() != 0:
        skip("Postfix's pipe transport runs imip as its own user, which needs root")
    recipe = readme_postfix_recipe()
    created_user = False
    if subprocess.run(["id", "imip"], capture_output=True).returncode != 0:
        run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "imip")
        created_user = True
    for port in (SMTP_PORT, LMTP_PORT):
        if port_open(port):
            raise SystemExit(f"127.0.0.1:{port} is taken (a Postfix or Dovecot left running?)")
    root = pathlib.Path(tempfile.mkdtemp(prefix="imip-e2e-"))
    system = MailSystem(root, recipe)
    started = time.time()
    try:
        system.install()
        system.start_dovecot()
        system.start_postfix()
        scenarios(system)
        log(f"passed in {time.time() - started:.0f} s")
    except Exception:
        print(f"postfix log:\n{tail(root / 'postfix.log', 60)}\ndovecot log:\n{tail(root / 'dovecot.log')}")
        raise
    finally:
        system.stop_postfix()
        system.stop_dovecot()
        if os.environ.get("IMIP_E2E_KEEP") != "1":
            shutil.rmtree(root, ignore_errors=True)
            if created_user:
                subprocess.run(["userdel", "imip"], capture_output=True)


if __name__ == "__main__":
    main()
