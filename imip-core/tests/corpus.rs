//! Every real-world message in ../shared/corpus goes through iMIP
//! extraction and the engine, as each addressed participant, without a
//! panic. Prints how many were recognised as iTIP, by method. Skipped
//! (with a message) when the corpus is absent.

// The test harness reads the corpus; the purity rule binds the library, not its tests.
#![allow(clippy::disallowed_methods)]
use imip_core::drive;
use imip_core::imip::{MailLimits, extract};
use imip_core::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    dir.is_dir().then_some(dir)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.file_name().is_some_and(|n| n != "README.md") {
            out.push(path);
        }
    }
}

/// A bare iCalendar file is wrapped in a minimal mail, as a client would
/// attach it; mail files are used as they are.
fn as_mail(bytes: &[u8]) -> Vec<u8> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_uppercase();
    if head.trim_start_matches('\u{feff}').trim_start().starts_with("BEGIN:VCALENDAR") {
        let mut mail = b"From: corpus@example.com\r\nTo: someone@example.com\r\nSubject: corpus\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8\r\n\r\n".to_vec();
        mail.extend_from_slice(bytes);
        mail
    } else {
        bytes.to_vec()
    }
}

#[test]
fn every_corpus_message_is_handled_without_panic() {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus test skipped: ../shared/corpus is absent");
        return;
    };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    let engine = Engine::new(Config::default()).unwrap();
    let mut by_method: BTreeMap<String, usize> = BTreeMap::new();
    let mut dispositions: BTreeMap<String, usize> = BTreeMap::new();
    let (mut itip, mut not_itip, mut problems, mut bounces) = (0, 0, 0, 0);
    for path in &paths {
        let raw = as_mail(&std::fs::read(path).unwrap());
        let Ok(mail) = extract(&raw, &MailLimits::default()) else {
            not_itip += 1;
            continue;
        };
        problems += mail.problems.len();
        if mail.is_bounce {
            bounces += 1;
        }
        if mail.parts.is_empty() {
            not_itip += 1;
            continue;
        }
        itip += 1;
        for part in &mail.parts {
            *by_method.entry(part.method.to_string()).or_default() += 1;
            // Every participant named in the message is a possible principal.
            let mut principals: Vec<CalAddress> = part.object.attendee_addresses().into_iter().collect();
            principals.extend(part.object.organizer().map(|o| o.address));
            principals.sort();
            principals.dedup();
            for principal in principals {
                let mut store = MemStore::new();
                let mut transport = RecordingTransport::default();
                let mut ids = SeqIds::new("c");
                let mut env = Env::new(Timestamp::parse_utc("20250301T100000Z").unwrap(), &mut ids);
                let report = drive::deliver_mail(
                    &engine,
                    &mut env,
                    &mut store,
                    &mut transport,
                    &principal,
                    &raw,
                    &MailLimits::default(),
                )
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                for part in report.parts {
                    let kind = match part.outcome.disposition {
                        Disposition::Applied(_) => "processed",
                        Disposition::Unchanged(_) => "unchanged",
                        Disposition::Refused(_) => "refused with a reason",
                        Disposition::Ignored(_) => "delivered unchanged (ignored)",
                    };
                    *dispositions.entry(kind.to_string()).or_default() += 1;
                }
            }
        }
    }
    eprintln!(
        "corpus: {} files; {itip} carry iTIP, {not_itip} do not, {bounces} bounces, {problems} unusable calendar parts",
        paths.len()
    );
    eprintln!("corpus: iTIP parts by method: {by_method:?}");
    eprintln!("corpus: outcomes per (part, participant): {dispositions:?}");
    assert!(itip > 0, "the corpus holds iTIP messages; none was recognised");
}
