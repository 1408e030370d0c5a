//! What goes wrong, as a person reads it, in their language.
//!
//! A handler's error says what to tell by message id ([`Said`]); the
//! page is written once the response is known, by [`localize_errors`],
//! for whoever asked: in their `LANG` and `TZID` preferences when they
//! are signed in, else in their browser's language. Never a panic, never
//! a 500 for bad input.

use super::{Web, auth, pages};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use imip_core::CalAddress;
use imip_core::organize::DraftError;
use imip_core::words::{Arg, Lang, Reader, draft_refusal};
use std::sync::Arc;

/// A sentence to tell, by message id (`imip-core/locales/*.ftl`) with
/// its text arguments, or given whole (a reason the engine or a parser
/// wrote, which has no message of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Said {
    /// A message and its arguments.
    Message(&'static str, Vec<(&'static str, String)>),
    /// Why an event cannot be made as drafted, with its times in the
    /// reader's zone ([`draft_refusal`]).
    Draft(DraftError),
    /// A message about a day of the week (its `day` argument, the day's
    /// name in the reader's language) and its text arguments.
    Day(&'static str, chrono::Weekday, Vec<(&'static str, String)>),
    /// Text as it is.
    Text(String),
}

impl Said {
    /// The message `id`, without arguments.
    pub(crate) fn id(id: &'static str) -> Said {
        Said::Message(id, Vec::new())
    }

    /// The message `id` about `text`, what was given (each language's
    /// message quotes it its own way).
    pub(crate) fn about(id: &'static str, text: &str) -> Said {
        Said::Message(id, vec![("text", given(text))])
    }

    /// The message `id` about `day` (and `text`, what was given, if
    /// any), the day named in the reader's language.
    pub(crate) fn on_day(id: &'static str, day: chrono::Weekday, text: Option<&str>) -> Said {
        Said::Day(id, day, text.map(|text| vec![("text", given(text))]).unwrap_or_default())
    }

    /// For `reader`.
    pub(crate) fn text(&self, reader: &Reader) -> String {
        match self {
            Said::Message(id, args) => reader.lang.text(id, &as_args(args)),
            Said::Day(id, day, args) => {
                let name = reader.lang.weekday_name(*day);
                let mut args = as_args(args);
                args.push(("day", Arg::Text(&name)));
                reader.lang.text(id, &args)
            }
            Said::Draft(error) => draft_refusal(error, reader),
            Said::Text(text) => text.clone(),
        }
    }
}

/// What was given, as a message quotes it: at most 200 characters.
fn given(text: &str) -> String {
    text.chars().take(200).collect()
}

/// A message's text arguments, as Fluent takes them.
fn as_args<'a>(args: &'a [(&'static str, String)]) -> Vec<(&'static str, Arg<'a>)> {
    args.iter().map(|(name, value)| (*name, Arg::Text(value))).collect()
}

/// What goes wrong, with what the person is told.
#[derive(Debug)]
pub(crate) enum WebError {
    /// Bad input: 400 with the reason.
    BadRequest(Said),
    /// The engine refused the action: 400 with why, in the person's
    /// language ([`imip_core::words::refusal`]).
    Refused(Lang, String),
    /// Not signed in: to the login page.
    SignIn,
    /// Signed in, but not for this principal: 403.
    Forbidden,
    /// Nothing there: 404.
    NotFound(Said),
    /// A form without a valid CSRF token: 403.
    Csrf,
    /// Too many failed sign-ins: 429.
    TooMany,
    /// The store or the mail system cannot be reached: 503.
    Unavailable(String),
    /// A link that expired or was altered or used: 410 or 400. Told in
    /// the language of `to`, the person an authentic link was sent to
    /// (an altered link names nobody: anyone can write an address in it).
    Link { why: Said, status: StatusCode, to: Option<CalAddress> },
}

impl WebError {
    /// Bad input, told by the message `id`.
    pub(crate) fn bad(id: &'static str) -> WebError {
        WebError::BadRequest(Said::id(id))
    }

    /// Bad input `text`, told by the message `id`.
    pub(crate) fn bad_about(id: &'static str, text: &str) -> WebError {
        WebError::BadRequest(Said::about(id, text))
    }

    /// An event that cannot be made as drafted or edited.
    pub(crate) fn draft(error: DraftError) -> WebError {
        WebError::BadRequest(Said::Draft(error))
    }

    /// Bad input, told by a reason written elsewhere (a parser's).
    pub(crate) fn invalid(reason: impl std::fmt::Display) -> WebError {
        WebError::BadRequest(Said::Text(format!("{reason}.")))
    }

    /// `text` read as a mail address, or bad input that says it is not
    /// one.
    pub(crate) fn address(text: &str) -> Result<CalAddress, WebError> {
        CalAddress::parse(text).ok_or_else(|| WebError::bad_about("web-error-not-an-address", text))
    }

    /// Nothing there, told by the message `id`.
    pub(crate) fn not_found(id: &'static str) -> WebError {
        WebError::NotFound(Said::id(id))
    }
}

/// An error page still to be written in the reader's language: the
/// response's extension until [`localize_errors`] writes it.
#[derive(Debug, Clone)]
struct ErrorPage {
    title: &'static str,
    text: Said,
    /// Whose language the page is in, when the error knows better than
    /// the request's sign-in.
    for_whom: Option<CalAddress>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut for_whom = None;
        let (status, title, text) = match self {
            WebError::Refused(lang, why) => {
                let title = lang.text("web-refused-title", &[]);
                return (StatusCode::BAD_REQUEST, pages::message_page(lang, &title, &why)).into_response();
            }
            WebError::SignIn => {
                return (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/login"))])
                    .into_response();
            }
            WebError::BadRequest(why) => (StatusCode::BAD_REQUEST, "web-error-title-bad", why),
            WebError::Forbidden => {
                (StatusCode::FORBIDDEN, "web-error-title-forbidden", Said::id("web-error-forbidden"))
            }
            WebError::NotFound(what) => (StatusCode::NOT_FOUND, "web-error-title-not-found", what),
            WebError::Csrf => (StatusCode::FORBIDDEN, "web-error-title-csrf", Said::id("web-error-csrf")),
            WebError::TooMany => {
                (StatusCode::TOO_MANY_REQUESTS, "web-error-title-too-many", Said::id("web-error-too-many"))
            }
            WebError::Unavailable(why) => {
                tracing::warn!(%why, "web: store or transport unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "web-error-title-unavailable",
                    Said::id("web-error-unavailable"),
                )
            }
            WebError::Link { why, status, to } => {
                for_whom = to;
                (status, "web-error-title-link", why)
            }
        };
        // English until the reader is known.
        let page = ErrorPage { title, text, for_whom };
        let mut response = (status, page.render(&Reader::default())).into_response();
        response.extensions_mut().insert(page);
        response
    }
}

impl ErrorPage {
    fn render(&self, reader: &Reader) -> maud::Markup {
        let lang = reader.lang;
        pages::message_page(lang, &lang.text(self.title, &[]), &self.text.text(reader))
    }
}

/// Writes an error page for whoever asked: in their `LANG` preference
/// and `TZID` zone when they are signed in (or for the person an answer
/// link was sent to), else in their browser's first language
/// (`Accept-Language`) and UTC. The preferences are read only for an
/// error page.
pub(crate) async fn localize_errors(State(web): State<Arc<Web>>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let peer =
        request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let mut response = next.run(request).await;
    let Some(page) = response.extensions_mut().remove::<ErrorPage>() else { return response };
    let browser = Reader { lang: auth::browser_lang(&headers), ..Reader::default() };
    let reader = match page.for_whom.clone().or_else(|| auth::signed_in(&web, &headers, peer)) {
        Some(address) => super::blocking(move || {
            let store = web.store()?;
            pages::reader_of(&web, store.as_ref(), &address)
        })
        .await
        .unwrap_or(browser),
        None => browser,
    };
    if reader != Reader::default() {
        *response.body_mut() = axum::body::Body::from(page.render(&reader).into_string());
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message an error page can say exists in every language.
    #[test]
    fn every_error_message_is_written_in_every_language() {
        let source = [
            include_str!("mod.rs"),
            include_str!("actions.rs"),
            include_str!("pages.rs"),
            include_str!("auth.rs"),
            include_str!("error.rs"),
        ]
        .concat();
        let used: std::collections::BTreeSet<&str> = source
            .split('"')
            .filter(|s| s.starts_with("web-error-") && !s.contains(' ') && !s.ends_with('-'))
            .collect();
        assert!(used.len() > 30, "{used:?}");
        for lang in Lang::ALL {
            let ids = lang.message_ids();
            for id in &used {
                assert!(ids.iter().any(|i| i == id), "{} lacks {id}", lang.tag());
            }
        }
    }

    #[test]
    fn a_message_is_told_in_the_language_asked_and_quotes_what_was_given() {
        let said = Said::about("web-error-not-an-address", "nobody");
        let reader = |lang| Reader { lang, ..Reader::default() };
        assert_eq!(said.text(&reader(Lang::En)), "“nobody” is not a mail address.");
        assert_eq!(said.text(&reader(Lang::De)), "„nobody“ ist keine E-Mail-Adresse.");
    }

    #[test]
    fn a_day_is_named_in_the_readers_language() {
        let said = Said::on_day("web-error-hours", chrono::Weekday::Sat, None);
        let reader = |lang| Reader { lang, ..Reader::default() };
        assert_eq!(said.text(&reader(Lang::En)), "Saturday: the hours must end after they begin.");
        assert_eq!(said.text(&reader(Lang::De)), "Samstag: Das Ende muss nach dem Beginn liegen.");
        assert_eq!(said.text(&reader(Lang::Da)), "Arbejdstiden for lørdag skal slutte, efter den begynder.");
        assert_eq!(said.text(&reader(Lang::Nb)), "Arbeidstiden for lørdag må slutte etter at den begynner.");
        let said = Said::on_day("web-error-hours-time", chrono::Weekday::Mon, Some("9h"));
        assert_eq!(said.text(&reader(Lang::En)), "Monday: “9h” is not a time of day (say 09:00).");
    }
}
