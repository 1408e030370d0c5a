#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from examples/ and the
conformance scenarios. Deterministic: run it again after adding scenarios,
and commit what changed.

  mime_extract, deliver_mail: the sample mails of examples/mail, and every
      iCalendar payload of the scenarios wrapped in a minimal iMIP mail;
  ical_engine: every iCalendar payload of the scenarios;
  world_ops: a few operation sequences (raw bytes for `arbitrary`).
"""
import hashlib
import pathlib

root = pathlib.Path(__file__).resolve().parent
repo = root.parent


def payloads(text):
    """The two-space-indented iCalendar payloads of one scenario."""
    block = None
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            body = line[2:]
            if body == "BEGIN:VCALENDAR":
                block = [body]
            elif block is not None:
                block.append(body)
                if body == "END:VCALENDAR":
                    yield "\r\n".join(block) + "\r\n"
                    block = None
        else:
            block = None


def mail(ics):
    method = "REQUEST"
    for line in ics.splitlines():
        if line.startswith("METHOD:"):
            method = line[7:]
    head = (
        "From: organizer@example.com\r\nTo: bob@example.com\r\nSubject: seed\r\n"
        "Message-ID: <seed@example.com>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/calendar; charset=utf-8; method={method}\r\n\r\n"
    )
    return head + ics


def write(target, data):
    folder = root / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


calendars = []
for scenario in sorted((repo / "conformance" / "scenarios").rglob("*.scenario")):
    calendars.extend(payloads(scenario.read_text()))
for ics in calendars:
    write("ical_engine", ics.encode())
    for target in ("mime_extract", "deliver_mail"):
        write(target, mail(ics).encode())
for eml in sorted((repo / "examples" / "mail").glob("*.eml")):
    for target in ("mime_extract", "deliver_mail"):
        write(target, eml.read_bytes())
for seed in (b"\x00\x01\x02\x03\x04\x05\x06\x07", b"\x00" * 32, bytes(range(64)), b"\x07\x03" * 40):
    write("world_ops", seed)
