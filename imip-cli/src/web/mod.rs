//! `imip web`: the web manager. People see their calendar and what waits
//! for them, answer, propose, delegate, organize events and set their
//! preferences; free/busy and private calendar feeds are served over
//! HTTP. Pages are rendered on the server (maud) and work without
//! JavaScript.
//!
//! Every action goes through the engine and the store exactly as the
//! mail agents' do (`drive::run_once`, under the store's locks), on a
//! blocking thread: an answer given here and the same answer given by
//! mail store the same result and send the same mail.
//!
//! Security: sign-in by imip's login page (argon2 users file, failures
//! rate-limited) or by a trusted reverse proxy's header; sessions and
//! CSRF tokens are HMAC-signed with the site key ([`tokens`]); a person
//! acts only for themselves and the resources they own; no GET changes
//! anything; every response carries a strict Content-Security-Policy.

mod actions;
mod auth;
mod done;
mod error;
mod pages;
mod tokens;

use crate::exit::Failure;
use crate::session::Session;
use crate::settings::Settings;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};
use imip_core::{CalAddress, Engine, Store, Timestamp};
use std::sync::Arc;

pub(crate) use auth::hash_password;
pub(crate) use error::{Said, WebError};

/// What every request shares.
pub(crate) struct Web {
    pub(crate) settings: Settings,
    pub(crate) engine: Engine,
    pub(crate) signer: tokens::Signer,
    pub(crate) dry_run: bool,
    pub(crate) users: auth::Users,
    pub(crate) limiter: auth::Limiter,
    /// A counter for fresh ids within this process.
    pub(crate) ids: std::sync::atomic::AtomicU64,
    /// Stores kept open between requests.
    pub(crate) stores: std::sync::Mutex<Vec<Box<dyn Store + Send>>>,
}

impl Web {
    /// The time now.
    pub(crate) fn now(&self) -> Timestamp {
        let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Timestamp::from_seconds(i64::try_from(clock.as_secs()).unwrap_or(i64::MAX))
    }

    /// A store to work with: one kept open from an earlier request, or
    /// a new one; it goes back when dropped. Each operation on it is its
    /// own transaction under the store's locks, as in the agents, so
    /// keeping it open changes nothing but the cost of opening it.
    pub(crate) fn store(&self) -> Result<PooledStore<'_>, WebError> {
        let kept = self.stores.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let store = match kept {
            Some(store) => store,
            None => crate::session::open_shared_store(
                &self.settings.store,
                &self.settings.postgres,
                crate::session::Access::Create,
            )
            .map_err(|f| WebError::Unavailable(f.to_string()))?,
        };
        Ok(PooledStore { store: Some(store), web: self })
    }

    /// Whether `user` may see and act for `principal`: themselves, or a
    /// resource they are the owner of.
    pub(crate) fn may_act_for(&self, user: &CalAddress, principal: &CalAddress) -> bool {
        user == principal
            || self.settings.resources.resource(principal).is_some_and(|r| r.owner.as_ref() == Some(user))
    }

    /// The principals `user` may act for: themselves, then the resources
    /// they own.
    pub(crate) fn principals_of(&self, user: &CalAddress) -> Vec<CalAddress> {
        let mut all = vec![user.clone()];
        all.extend(
            self.settings
                .resources
                .resources()
                .filter(|r| r.owner.as_ref() == Some(user))
                .map(|r| r.address.clone()),
        );
        all
    }
}

/// Most stores kept open between requests.
const KEPT_STORES: usize = 16;

/// A store borrowed from the web manager's pool.
pub(crate) struct PooledStore<'a> {
    store: Option<Box<dyn Store + Send>>,
    web: &'a Web,
}

impl PooledStore<'_> {
    /// The store, to read.
    pub(crate) fn as_ref(&self) -> &dyn Store {
        self.store.as_deref().expect("held until dropped")
    }

    /// The store, to write.
    pub(crate) fn as_mut(&mut self) -> &mut dyn Store {
        self.store.as_deref_mut().expect("held until dropped")
    }
}

impl std::ops::Deref for PooledStore<'_> {
    type Target = dyn Store;

    fn deref(&self) -> &(dyn Store + 'static) {
        self.store.as_deref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for PooledStore<'_> {
    fn deref_mut(&mut self) -> &mut (dyn Store + 'static) {
        self.store.as_deref_mut().expect("held until dropped")
    }
}

impl Drop for PooledStore<'_> {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            let mut kept = self.web.stores.lock().unwrap_or_else(|p| p.into_inner());
            if kept.len() < KEPT_STORES {
                kept.push(store);
            }
        }
    }
}

/// One-click answer links for a summary mail: Accept, Tentative and
/// Decline for `principal`'s invitation to `object`, when `[web]` names
/// the site's address and its key exists. Each link holds a signed token
/// (principal, UID, answer, SEQUENCE, expiry); opening it shows a page
/// that asks, and only that page's POST answers.
pub(crate) fn answer_links(
    settings: &Settings,
    principal: &CalAddress,
    object: &imip_core::SchedulingObject,
    now: Timestamp,
) -> Option<Vec<(imip_core::model::PartStat, String)>> {
    use imip_core::model::PartStat;
    let base = settings.web.base_url.as_ref()?;
    if object.organizer().is_some_and(|o| &o.address == principal) || object.attendee(principal).is_none() {
        return None;
    }
    let key = match std::fs::read(&settings.web.key_file) {
        Ok(key) if key.len() >= 32 => key,
        _ => {
            tracing::debug!(file = %settings.web.key_file.display(), "no web site key: no answer links");
            return None;
        }
    };
    let signer = tokens::Signer::new(key);
    let expires = now.seconds() + settings.web.link_seconds;
    Some(
        [PartStat::Accepted, PartStat::Tentative, PartStat::Declined]
            .into_iter()
            .map(|answer| {
                let token = actions::link_token(
                    &signer,
                    principal,
                    object.uid(),
                    answer,
                    object.max_sequence(),
                    expires,
                );
                (answer, format!("{base}rsvp?t={token}"))
            })
            .collect(),
    )
}

/// Runs `imip web`: serves until interrupted.
pub(crate) fn serve(session: Session, listen: Option<String>) -> Result<(), Failure> {
    let settings = session.settings.clone();
    let listen = listen.unwrap_or_else(|| settings.web.listen.clone());
    let key = auth::site_key(&settings.web.key_file)?;
    let users = auth::Users::load(&settings.web.auth)?;
    let web = Arc::new(Web {
        engine: session.engine.clone(),
        signer: tokens::Signer::new(key),
        dry_run: session.dry_run,
        users,
        limiter: auth::Limiter::default(),
        ids: std::sync::atomic::AtomicU64::new(0),
        stores: std::sync::Mutex::new(Vec::new()),
        settings,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(crate::exit::EX_SOFTWARE, format!("cannot start: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen).await.map_err(|e| {
            Failure::config(format!("cannot listen on {listen}: {e} (see web.listen or --listen)"))
        })?;
        let address =
            listener.local_addr().map_err(|e| Failure::new(crate::exit::EX_SOFTWARE, e.to_string()))?;
        crate::emit(&format!("imip web: open http://{address}/ in a browser\n"))?;
        if web.dry_run {
            eprintln!("imip web: dry run (no configuration file): mail is not sent");
        }
        let app = router(web).into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Failure::new(crate::exit::EX_SOFTWARE, e.to_string()))
    })
}

/// Every route.
pub(crate) fn router(web: Arc<Web>) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/style.css", get(pages::style))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/calendar", get(pages::calendar))
        .route("/pending", get(pages::pending))
        .route("/event", get(pages::event))
        .route("/new", get(pages::new_event))
        .route("/prefs", get(pages::prefs))
        .route("/act/answer", post(actions::answer))
        .route("/act/counter", post(actions::counter))
        .route("/act/delegate", post(actions::delegate))
        .route("/act/decide", post(actions::decide))
        .route("/act/create", post(actions::create))
        .route("/act/edit", post(actions::edit))
        .route("/act/cancel", post(actions::cancel))
        .route("/act/prefs", post(actions::prefs))
        .route("/act/feed", post(actions::feed))
        .route("/rsvp", get(pages::rsvp_page).post(actions::rsvp))
        .route("/freebusy/{address}", get(pages::freebusy))
        .route("/feed/{token}", get(pages::feed))
        .fallback(|| async { WebError::not_found("web-error-no-page") })
        .layer(axum::middleware::from_fn_with_state(web.clone(), error::localize_errors))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(web)
}

/// The headers every response carries.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Runs blocking store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| WebError::Unavailable(e.to_string()))?
}
