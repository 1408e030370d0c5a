//! Who is asking: a signed session cookie from imip's login page (an
//! argon2 users file; failures rate-limited), or a trusted reverse
//! proxy's header; and the CSRF token every form carries.

use super::tokens::{Signer, same};
use super::{Web, WebError, pages};
use crate::exit::Failure;
use crate::settings::WebAuth;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use imip_core::CalAddress;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The session cookie's name.
const COOKIE: &str = "imip_session";
/// Failed sign-ins allowed per address and per client in a window.
const MAX_FAILURES: u32 = 5;
/// The window, in seconds.
const FAILURE_WINDOW: i64 = 15 * 60;

/// The site key: read from `file`, or made (32 random bytes from the
/// operating system) and written there, readable by its owner only.
pub(crate) fn site_key(file: &Path) -> Result<Vec<u8>, Failure> {
    match std::fs::read(file) {
        Ok(key) if key.len() >= 32 => Ok(key),
        Ok(_) => {
            Err(Failure::config(format!("{}: the site key must hold at least 32 bytes", file.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = vec![0u8; 32];
            getrandom(&mut key)
                .map_err(|e| Failure::new(crate::exit::EX_SOFTWARE, format!("random bytes: {e}")))?;
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut out =
                std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(file).map_err(
                    |e| Failure::new(crate::exit::EX_CANTCREAT, format!("{}: {e}", file.display())),
                )?;
            out.write_all(&key)
                .and_then(|_| out.sync_all())
                .map_err(|e| Failure::new(crate::exit::EX_IOERR, format!("{}: {e}", file.display())))?;
            eprintln!("imip web: made a new site key in {}", file.display());
            Ok(key)
        }
        Err(e) => Err(Failure::config(format!("{}: {e}", file.display()))),
    }
}

fn getrandom(buffer: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")?.read_exact(buffer)
}

/// The users file: `ADDRESS:$argon2id$…` per line (`#` comments).
#[derive(Debug, Default)]
pub(crate) struct Users {
    hashes: BTreeMap<CalAddress, String>,
    /// Sign-in by a proxy's header, from these addresses.
    proxy: Option<(String, Vec<IpAddr>)>,
}

impl Users {
    /// Reads the users file (a missing one is empty: nobody can sign in
    /// until `imip web passwd` adds someone).
    pub(crate) fn load(auth: &WebAuth) -> Result<Users, Failure> {
        match auth {
            WebAuth::Proxy { header, from } => {
                Ok(Users { hashes: BTreeMap::new(), proxy: Some((header.clone(), from.clone())) })
            }
            WebAuth::Login { users_file } => {
                let text = match std::fs::read_to_string(users_file) {
                    Ok(text) => text,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        eprintln!(
                            "imip web: no users yet; add one with `imip web passwd ADDRESS` ({})",
                            users_file.display()
                        );
                        String::new()
                    }
                    Err(e) => return Err(Failure::config(format!("{}: {e}", users_file.display()))),
                };
                let mut hashes = BTreeMap::new();
                for (number, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let bad = || {
                        Failure::config(format!("{}:{}: give ADDRESS:HASH", users_file.display(), number + 1))
                    };
                    let (address, hash) = line.split_once(':').ok_or_else(bad)?;
                    let address = CalAddress::parse(address).ok_or_else(bad)?;
                    argon2::PasswordHash::new(hash).map_err(|_| bad())?;
                    hashes.insert(address, hash.to_string());
                }
                Ok(Users { hashes, proxy: None })
            }
        }
    }

    fn check(&self, user: &CalAddress, password: &str) -> bool {
        use argon2::PasswordVerifier;
        let Some(hash) = self.hashes.get(user) else {
            // Spend the same effort for an unknown user.
            let _ = hash_password("not a password");
            return false;
        };
        argon2::PasswordHash::new(hash).is_ok_and(|parsed| {
            argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
        })
    }
}

/// An argon2id hash of `password`, for the users file.
pub(crate) fn hash_password(password: &str) -> Result<String, Failure> {
    use argon2::PasswordHasher;
    let mut salt = [0u8; 16];
    getrandom(&mut salt).map_err(|e| Failure::new(crate::exit::EX_SOFTWARE, format!("random bytes: {e}")))?;
    let salt = argon2::password_hash::SaltString::encode_b64(&salt)
        .map_err(|e| Failure::new(crate::exit::EX_SOFTWARE, e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Failure::new(crate::exit::EX_SOFTWARE, e.to_string()))
}

/// Failed sign-ins per key (an address, a client), in a sliding window.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    failures: Mutex<BTreeMap<String, Vec<i64>>>,
}

impl Limiter {
    fn blocked(&self, key: &str, now: i64) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let list = failures.entry(key.to_string()).or_default();
        list.retain(|t| now - t < FAILURE_WINDOW);
        list.len() as u32 >= MAX_FAILURES
    }

    fn fail(&self, key: &str, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.entry(key.to_string()).or_default().push(now);
        // Keep the map bounded.
        if failures.len() > 100_000 {
            failures.retain(|_, list| list.iter().any(|t| now - t < FAILURE_WINDOW));
        }
    }
}

/// A signed-in person, and the CSRF token of their forms.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) address: CalAddress,
    pub(crate) csrf: String,
}

impl User {
    /// Checks a form's CSRF token.
    pub(crate) fn check_csrf(&self, given: &str) -> Result<(), WebError> {
        if same(&self.csrf, given) { Ok(()) } else { Err(WebError::Csrf) }
    }
}

fn csrf_for(signer: &Signer, address: &CalAddress, session: &str) -> String {
    // Bound to the session: a new sign-in makes old forms stale.
    let digest = signer.sign("csrf", &[address.as_str(), session], i64::MAX);
    digest.rsplit('.').next().unwrap_or_default().to_string()
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<Arc<Web>> for User {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Arc<Web>) -> Result<User, WebError> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        user(web, &parts.headers, peer)
    }
}

/// Who asks: the trusted proxy's header, or the signed session cookie.
fn user(web: &Web, headers: &HeaderMap, peer: Option<std::net::IpAddr>) -> Result<User, WebError> {
    if let Some((name, trusted)) = &web.users.proxy {
        if !peer.is_some_and(|p| trusted.contains(&p)) {
            return Err(WebError::Forbidden);
        }
        let value = headers.get(name.as_str()).and_then(|v| v.to_str().ok()).ok_or(WebError::Forbidden)?;
        let address = CalAddress::parse(value).ok_or(WebError::Forbidden)?;
        let csrf = csrf_for(&web.signer, &address, "proxy");
        return Ok(User { address, csrf });
    }
    let token = cookie(headers, COOKIE).ok_or(WebError::SignIn)?;
    let fields = web.signer.verify("session", &token, web.now().seconds()).map_err(|_| WebError::SignIn)?;
    let address = fields.first().and_then(|a| CalAddress::parse(a)).ok_or(WebError::SignIn)?;
    let csrf = csrf_for(&web.signer, &address, &token);
    Ok(User { address, csrf })
}

/// Who is signed in, if anyone (as [`User`] reads it).
pub(crate) fn signed_in(
    web: &Web,
    headers: &HeaderMap,
    peer: Option<std::net::IpAddr>,
) -> Option<CalAddress> {
    user(web, headers, peer).ok().map(|u| u.address)
}

/// The browser's first language (`Accept-Language`), English by default.
pub(crate) fn browser_lang(headers: &HeaderMap) -> imip_core::words::Lang {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|tag| tag.split(';').next().unwrap_or("").trim().to_string());
    first.map(|tag| imip_core::words::Lang::from_tag(&tag)).unwrap_or_default()
}

/// `GET /login`.
pub(crate) async fn login_page(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    if web.users.proxy.is_some() {
        return Redirect::to("/calendar").into_response();
    }
    pages::login_page(browser_lang(&headers), false).into_response()
}

/// The login form.
#[derive(serde::Deserialize)]
pub(crate) struct LoginForm {
    address: String,
    password: String,
}

/// `POST /login`: a session cookie, or the form again with the reason.
pub(crate) async fn login(
    State(web): State<Arc<Web>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, WebError> {
    if web.users.proxy.is_some() {
        return Err(WebError::not_found("web-error-proxy-sign-in"));
    }
    let now = web.now().seconds();
    let keys =
        [format!("client {}", peer.ip()), format!("user {}", form.address.trim().to_ascii_lowercase())];
    if keys.iter().any(|k| web.limiter.blocked(k, now)) {
        return Err(WebError::TooMany);
    }
    let address = CalAddress::parse(form.address.trim());
    let password = form.password;
    let checked = {
        let web = web.clone();
        let address = address.clone();
        super::blocking(move || Ok(address.is_some_and(|a| web.users.check(&a, &password)))).await?
    };
    let Some(address) = address.filter(|_| checked) else {
        keys.iter().for_each(|k| web.limiter.fail(k, now));
        tracing::warn!(client = %peer.ip(), "web: a failed sign-in");
        return Ok(
            (StatusCode::UNAUTHORIZED, pages::login_page(browser_lang(&headers), true)).into_response()
        );
    };
    // A random nonce makes each sign-in its own session (and its own CSRF
    // token), even two in the same second.
    let mut nonce = [0u8; 16];
    getrandom(&mut nonce).map_err(|e| WebError::Unavailable(format!("random bytes: {e}")))?;
    let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let token = web.signer.sign(
        "session",
        &[address.as_str(), nonce.as_str()],
        now + web.settings.web.session_seconds,
    );
    let secure = if web.settings.web.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        web.settings.web.session_seconds
    );
    tracing::info!(user = %address, "web: signed in");
    let mut response = Redirect::to("/calendar").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| WebError::Csrf)?);
    Ok(response)
}

/// The CSRF field alone.
#[derive(serde::Deserialize)]
pub(crate) struct CsrfOnly {
    csrf: String,
}

/// `POST /logout`.
pub(crate) async fn logout(user: User, axum::Form(form): axum::Form<CsrfOnly>) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("imip_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}
