//! Every message of the shared corpus (`../shared/corpus`, real mail from
//! Outlook, Exchange, Apple, Lotus Notes, KOrganizer, Thunderbird and
//! others) through the full engine, as each participant it addresses:
//! its ORGANIZER and every ATTENDEE. Nothing may panic, and each delivery
//! must end processed (applied or unchanged), refused with a reason, or
//! delivered unchanged. Bare `.ics` files are wrapped in a minimal iMIP
//! mail from the participant who would send their METHOD. The counts are
//! printed (`cargo test -p conformance --test corpus -- --nocapture`).
//! Skipped, with a message, when the corpus is absent.

use imip_core::imip::{MailLimits, extract};
use imip_core::{
    CalAddress, Config, Disposition, Engine, Env, MemStore, RecordingTransport, SchedulingObject, SeqIds,
    Timestamp, drive,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.file_name().is_some_and(|n| n != "README.md") {
            out.push(path);
        }
    }
}

/// A bare iCalendar file as the iMIP mail its sender would have sent.
fn wrap(ics: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(ics);
    let object = SchedulingObject::parse(&text).ok();
    let method = object.as_ref().and_then(|o| o.method());
    let sender = object
        .as_ref()
        .and_then(|o| match method {
            Some(m) if !m.from_organizer() => o.attendee_addresses().into_iter().next(),
            _ => o.organizer().map(|p| p.address),
        })
        .map(|a| a.to_string())
        .or_else(|| first_organizer(&text))
        .unwrap_or_else(|| "unknown@example.com".into());
    let method_param = method.map(|m| format!("; method={}", m.as_str())).unwrap_or_default();
    let mut mail = format!(
        "From: {sender}\r\nTo: corpus@example.com\r\nSubject: corpus\r\nMessage-ID: <corpus@example.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8{method_param}\r\n\r\n"
    )
    .into_bytes();
    mail.extend_from_slice(ics);
    mail
}

/// The first ORGANIZER's address in the text, for files that hold several
/// objects (a PUBLISH of many events) and so parse as no single one.
fn first_organizer(text: &str) -> Option<String> {
    let line = text.lines().find(|l| l.to_ascii_uppercase().starts_with("ORGANIZER"))?;
    let at = line.to_ascii_lowercase().find("mailto:")?;
    Some(line[at + 7..].trim().to_string())
}

#[test]
fn every_corpus_message_is_processed_refused_or_delivered_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !root.is_dir() {
        eprintln!("skipped: the shared corpus is not at {}", root.display());
        return;
    }
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let limits = MailLimits::default();
    let engine = Engine::new(Config::default()).unwrap();
    let now = Timestamp::from_seconds(1_740_000_000);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_method: BTreeMap<String, usize> = BTreeMap::new();
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    for path in &paths {
        let raw = std::fs::read(path).unwrap();
        let is_mail = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("eml"));
        let mail = if is_mail { raw } else { wrap(&raw) };
        let mut principals: Vec<CalAddress> = Vec::new();
        if let Ok(received) = extract(&mail, &limits) {
            for part in &received.parts {
                *by_method.entry(part.method.to_string()).or_default() += 1;
                principals.extend(part.object.organizer().map(|p| p.address));
                principals.extend(part.object.attendee_addresses());
            }
        }
        principals.sort();
        principals.dedup();
        if principals.is_empty() {
            // Nobody is addressed: the mail goes to its mailbox as it is.
            principals.push(CalAddress::parse("corpus@example.com").unwrap());
        }
        let mut store = MemStore::new();
        let mut transport = RecordingTransport::default();
        let mut ids = SeqIds::new("corpus");
        for principal in &principals {
            let mut env = Env::new(now, &mut ids);
            let report =
                drive::deliver_mail(&engine, &mut env, &mut store, &mut transport, principal, &mail, &limits)
                    .unwrap_or_else(|e| panic!("{}: as {principal}: {e}", path.display()));
            if report.ignored.is_some() || report.parts.is_empty() {
                *counts.entry("delivered unchanged").or_default() += 1;
                continue;
            }
            for part in &report.parts {
                let kind = match &part.outcome.disposition {
                    Disposition::Applied(_) => "processed: applied",
                    Disposition::Unchanged(_) => "processed: unchanged",
                    Disposition::Refused(violation) => {
                        let reason = violation.to_string();
                        assert!(!reason.is_empty(), "{}: a refusal without a reason", path.display());
                        *refusals
                            .entry(reason.split(" (RFC").next().unwrap_or("").to_string())
                            .or_default() += 1;
                        "refused with a reason"
                    }
                    Disposition::Ignored(_) => "delivered unchanged",
                };
                *counts.entry(kind).or_default() += 1;
            }
        }
        let check = imip_core::admin::check(&store, &Default::default(), now).unwrap();
        assert!(check.is_clean(), "{}: the store does not check clean: {check:?}", path.display());
    }
    println!("corpus: {} files; iTIP parts by method: {by_method:?}", paths.len());
    for (kind, count) in &counts {
        println!("  {kind}: {count}");
    }
    println!("refusals by reason:");
    for (reason, count) in &refusals {
        println!("  {count:4}  {reason}");
    }
    assert!(paths.len() > 100, "the corpus has {} files", paths.len());
    assert!(by_method.values().sum::<usize>() > 0, "the corpus holds iTIP messages; none was recognised");
}
