//! The three agents an MTA pipes mail into: `imip person`,
//! `imip person-outgoing` and `imip resource`.

use super::{address, envelope_recipients};
use crate::exit::{EX_TEMPFAIL, EX_USAGE, Failure};
use crate::mailbox::{self, Mailbox};
use crate::session::Session;
use imip_core::drive::{DriveError, MailReport, deliver_mail, record_sent_mail};
use imip_core::prefs::PrefKey;
use imip_core::words::{self, Arg, Reader};
use imip_core::{CalAddress, Disposition, Env, Notice, StoreError, Transport, TransportError};

/// `imip person`: process for each recipient, then deliver to their
/// mailbox by their `incoming` preference.
pub(crate) fn person(
    session: &mut Session,
    recipients: &[String],
    envelope_from: Option<&str>,
    raw: Vec<u8>,
) -> Result<(), Failure> {
    let recipients = recipients_of(recipients, &raw)?;
    // A dry run collects the deliveries in the session instead.
    let mut mailbox: Option<Box<dyn Mailbox>> = match session.mailbox() {
        _ if session.dry_run => None,
        Some(mailbox) => Some(mailbox),
        None => {
            return Err(Failure::config(
                "no mailbox delivery is configured (delivery = … in imip.toml, or --delivery); \
                 without one the mail would be lost",
            ));
        }
    };
    let envelope_from = envelope_from.map(str::to_string).unwrap_or_else(|| return_path(&raw));
    let mut store = session.take_store()?;
    let mut transport = session.transport();
    let limits = session.settings.limits.mail();
    let mut temporary = None;
    for recipient in &recipients {
        let prefs = match store.prefs(recipient) {
            Ok(prefs) => prefs,
            Err(error @ StoreError::Corrupt { .. }) => {
                tracing::error!(principal = %recipient, %error, "unreadable preferences; the defaults apply");
                Default::default()
            }
            Err(error) => return Err(Failure::store(recipient.as_str(), &error)),
        };
        let participating = session.settings.pref(&prefs, mailbox::PARTICIPATING_PREF) != Some("no");
        let reader = Reader::from_prefs(
            session.settings.pref(&prefs, PrefKey::Language.name()),
            session.settings.pref(&prefs, PrefKey::Zone.name()),
        );
        let summary = if participating {
            let sink = sink(session.dry_run, &mut session.recorded, transport.as_mut());
            let mut env = Env::new(session.now, &mut session.ids);
            match deliver_mail(&session.engine, &mut env, store.as_mut(), sink, recipient, &raw, &limits) {
                Ok(report) => {
                    log_report("person", recipient, &report);
                    summary_of(&report, &reader).map(|summary| {
                        with_answer_links(
                            summary,
                            &report,
                            &session.settings,
                            recipient,
                            session.now,
                            &reader,
                        )
                    })
                }
                // A damaged record must not hold the person's mail back:
                // it is delivered as it came, and the administrator is
                // told where to look.
                Err(DriveError::Store(error @ StoreError::Corrupt { .. })) => {
                    tracing::error!(
                        principal = %recipient,
                        %error,
                        "corrupt record: the mail is delivered unchanged; run `imip store check`"
                    );
                    None
                }
                Err(error) => return Err(Failure::drive(recipient.as_str(), &error)),
            }
        } else {
            tracing::info!(principal = %recipient, outcome = "not participating", "delivered unchanged");
            None
        };
        let mode = mailbox::incoming_mode(session.settings.pref(&prefs, mailbox::INCOMING_PREF));
        let message_id = session.message_id(recipient.domain());
        let attached = reader.lang.text("original-attached", &[]);
        let mails =
            mailbox::compose(mode, &raw, summary.as_ref(), &attached, &session.rfc5322_date(), &message_id);
        for mail in mails {
            let result = match mailbox.as_mut() {
                Some(mailbox) => mailbox.deliver(recipient, &envelope_from, &mail),
                None => session.dry_deliveries.deliver(recipient, &envelope_from, &mail),
            };
            match result {
                Ok(()) => {}
                Err(TransportError::Permanent(reason)) => {
                    // The mailbox refuses it for good: let the MTA bounce it.
                    return Err(Failure::new(crate::exit::EX_NOUSER, format!("{recipient}: {reason}")));
                }
                Err(error) => {
                    tracing::warn!(principal = %recipient, %error, "mailbox delivery failed");
                    temporary.get_or_insert(Failure::new(EX_TEMPFAIL, format!("{recipient}: {error}")));
                    break;
                }
            }
        }
    }
    session.keep_store(store);
    session.print_dry_run()?;
    match temporary {
        // The calendar side is committed; a retry finds it a duplicate
        // and only delivers.
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// `imip person-outgoing`: record what the user's own client sent.
pub(crate) fn person_outgoing(
    session: &mut Session,
    user: Option<&str>,
    raw: Vec<u8>,
) -> Result<(), Failure> {
    let user = match user {
        Some(user) => address(user)?,
        None => first_from(&raw)
            .ok_or_else(|| Failure::new(EX_USAGE, "the mail has no From: address; pass --user"))?,
    };
    let mut store = session.take_store()?;
    let mut transport = session.transport();
    let sink = sink(session.dry_run, &mut session.recorded, transport.as_mut());
    let mut env = Env::new(session.now, &mut session.ids);
    let limits = session.settings.limits.mail();
    let report = record_sent_mail(&session.engine, &mut env, store.as_mut(), sink, &user, &raw, &limits)
        .map_err(|e| Failure::drive(user.as_str(), &e))?;
    log_report("person-outgoing", &user, &report);
    drop(transport);
    session.keep_store(store);
    session.print_dry_run()
}

/// `imip resource`: answer for each recipient by its policies.
pub(crate) fn resource(session: &mut Session, recipients: &[String], raw: Vec<u8>) -> Result<(), Failure> {
    let recipients = recipients_of(recipients, &raw)?;
    if !session.settings.from_file && session.settings.resources.resources().next().is_none() {
        // A newcomer without configuration: every recipient is a room
        // that accepts when free and declines when busy.
        session.use_default_resources(&recipients)?;
    }
    for recipient in &recipients {
        if session.engine.config().resources.resource(recipient).is_none() {
            return Err(Failure::config(format!(
                "{recipient} is not a resource of {} (see `resources` in imip.toml)",
                session.settings.source
            )));
        }
    }
    let mut store = session.take_store()?;
    let mut transport = session.transport();
    let limits = session.settings.limits.mail();
    for recipient in &recipients {
        let sink = sink(session.dry_run, &mut session.recorded, transport.as_mut());
        let mut env = Env::new(session.now, &mut session.ids);
        let report = deliver_mail(&session.engine, &mut env, store.as_mut(), sink, recipient, &raw, &limits)
            .map_err(|e| Failure::drive(recipient.as_str(), &e))?;
        log_report("resource", recipient, &report);
    }
    drop(transport);
    session.keep_store(store);
    session.print_dry_run()
}

/// The transport a run uses: the recorder in a dry run.
fn sink<'a>(
    dry_run: bool,
    recorded: &'a mut imip_core::RecordingTransport,
    transport: &'a mut dyn Transport,
) -> &'a mut dyn Transport {
    if dry_run { recorded } else { transport }
}

/// `--recipient`s, else the envelope headers.
fn recipients_of(given: &[String], raw: &[u8]) -> Result<Vec<CalAddress>, Failure> {
    let recipients: Vec<CalAddress> = if given.is_empty() {
        envelope_recipients(raw)
    } else {
        given.iter().map(|r| address(r)).collect::<Result<_, _>>()?
    };
    if recipients.is_empty() {
        // The MTA's pipe is set up wrong: a configuration error, which
        // no retry cures.
        return Err(Failure::config(
            "no recipient: pass --recipient, or have the MTA add X-Original-To or Delivered-To",
        ));
    }
    Ok(recipients)
}

/// What the user is told, in their language and zone, or `None` to
/// deliver the mail unchanged (nothing in it was processed): for each
/// notice, who did what and the details of the event as now stored
/// ([`imip_core::words::card`]); otherwise what became of the message.
/// The same words as plain text and as HTML.
fn summary_of(report: &MailReport, reader: &Reader) -> Option<mailbox::Summary> {
    if report.parts.is_empty() {
        return None;
    }
    let lang = reader.lang;
    let (mut text, mut html) = (String::new(), String::new());
    let mut say = |line: String| {
        html.push_str(&format!(
            "<p style=\"font-family:sans-serif\">{}</p>\n",
            words::escape(&line).replace('\n', "<br>")
        ));
        text.push_str(&line);
        text.push_str("\n\n");
    };
    let mut cards: Vec<(String, String)> = Vec::new();
    for part in &report.parts {
        let notices: Vec<&Notice> = part.outcome.notices().collect();
        // The copy after the decision holds the details to show.
        let object = part.outcome.stored_object();
        for notice in &notices {
            match object {
                Some(object) => {
                    let card = words::card(Some(notice), object, reader);
                    cards.push((card.to_text(), card.to_html()));
                }
                None => say(format!("{}\n{notice}", notice.title)),
            }
        }
        let reason = |r: &dyn std::fmt::Display| r.to_string();
        match &part.outcome.disposition {
            Disposition::Refused(violation) => {
                say(lang.text("summary-refused", &[("reason", Arg::Text(&reason(violation)))]))
            }
            Disposition::Unchanged(why) if notices.is_empty() => {
                say(lang.text("summary-unchanged", &[("reason", Arg::Text(&reason(why)))]))
            }
            Disposition::Ignored(why) if notices.is_empty() => {
                say(lang.text("summary-ignored", &[("reason", Arg::Text(&reason(why)))]))
            }
            _ if notices.is_empty() => say(lang.text("summary-updated", &[])),
            _ => {}
        }
    }
    let (mut all_text, mut all_html) = (String::new(), String::new());
    for (card_text, card_html) in cards {
        all_text.push_str(&card_text);
        all_text.push('\n');
        all_html.push_str(&card_html);
    }
    all_text.push_str(&text);
    all_html.push_str(&html);
    Some(mailbox::Summary { text: all_text.trim_end().to_string() + "\n", html: all_html, lang })
}

/// The summary with one-click answer links, for an invitation or an
/// update the recipient is asked to answer, when the web manager is
/// configured (`[web]` base_url).
fn with_answer_links(
    mut summary: mailbox::Summary,
    report: &MailReport,
    settings: &crate::settings::Settings,
    recipient: &imip_core::CalAddress,
    now: imip_core::Timestamp,
    reader: &Reader,
) -> mailbox::Summary {
    use imip_core::NoticeKind;
    let asked = report.parts.iter().find_map(|part| {
        let asks =
            part.outcome.notices().any(|n| matches!(n.kind, NoticeKind::Invitation | NoticeKind::Update));
        part.outcome.stored_object().filter(|_| asks)
    });
    let Some(links) = asked.and_then(|object| crate::web::answer_links(settings, recipient, object, now))
    else {
        return summary;
    };
    let lang = reader.lang;
    let label = |p: imip_core::PartStat| {
        lang.text(
            match p {
                imip_core::PartStat::Accepted => "link-accept",
                imip_core::PartStat::Tentative => "link-tentative",
                _ => "link-decline",
            },
            &[],
        )
    };
    let mut text = format!("{}\n", lang.text("answer-links", &[]));
    let mut html =
        format!("<p style=\"font-family:sans-serif\">{}", words::escape(&lang.text("answer-links", &[])));
    for (answer, url) in &links {
        text.push_str(&format!("  {}: {url}\n", label(*answer)));
        html.push_str(&format!(
            " <a href=\"{}\" style=\"margin-right:1em\">{}</a>",
            words::escape(url),
            words::escape(&label(*answer))
        ));
    }
    html.push_str("</p>\n");
    summary.text = format!("{}\n{text}", summary.text);
    summary.html.push_str(&html);
    summary
}

/// The info line per message and principal (no calendar content), and
/// the engine's trace at debug.
fn log_report(agent: &str, principal: &CalAddress, report: &MailReport) {
    let message_id = report.message_id.as_deref().unwrap_or("-");
    for verdict in &report.sender_checks {
        tracing::info!(agent, message_id, principal = %principal, "sender check: {verdict}");
    }
    if let Some(ignored) = &report.ignored {
        tracing::info!(agent, message_id, principal = %principal, outcome = %format!("ignored: {ignored}"), "message");
    }
    for (index, part) in report.parts.iter().enumerate() {
        // A delivery report's one part has no METHOD.
        let method = report.methods.get(index).map_or("delivery-report", |m| m.as_str());
        tracing::info!(
            agent,
            message_id,
            method,
            principal = %principal,
            outcome = %part.outcome.disposition,
            sent = part.sent,
            unsent = part.unsent,
            "message"
        );
        for line in &part.outcome.trace {
            tracing::debug!(message_id, "{line}");
        }
        for (mail, error) in &part.undeliverable {
            tracing::warn!(
                message_id = %mail.message_id,
                %error,
                "mail refused by the transport for good; kept as undeliverable (imip outbox list)"
            );
        }
        if let Some(error) = &part.send_error {
            tracing::warn!(%error, unsent = part.unsent, "replies wait in the outbox");
        }
    }
    for problem in &report.problems {
        tracing::info!(message_id, principal = %principal, "unusable {} part: {}", problem.content_type, problem.violation);
    }
}

/// The mail's Return-Path, else the null sender.
fn return_path(raw: &[u8]) -> String {
    mail_parser::MessageParser::default()
        .parse_headers(raw)
        .and_then(|m| m.return_path().as_text().map(|t| t.trim_matches(['<', '>', ' ']).to_string()))
        .unwrap_or_default()
}

/// The first From: address.
fn first_from(raw: &[u8]) -> Option<CalAddress> {
    let message = mail_parser::MessageParser::default().parse_headers(raw)?;
    let from = message.from()?.first()?.address()?;
    CalAddress::parse(from)
}
