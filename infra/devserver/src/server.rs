//! The HTTP server: the gateway for every template route, the built portal, and
//! the dev pages.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{any, get, post};
use http::{HeaderValue, Method, StatusCode, header};
use tokio::net::TcpListener;

use crate::emulator::Address;
use crate::gateway::{Gateway, Incoming};
use crate::pages::{INBOX_CSS, inbox_page};
use crate::portal::{Portal, page_headers};
use portcullis::clock::ShiftedClock;
use portcullis::domain::{EmailAddress, Language, Role};
use portcullis::http::API_PATH_PREFIX;
use portcullis::ports::{Clock, Store};
use portcullis_cli::admin::{Admin, NewUser};
use time::Duration;
use time::format_description::well_known::Rfc3339;

/// API Gateway refuses bodies over 10 MB.
const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What the dev pages reach: the emulator's outbox, and the clock `make dev`'s
/// functions read (a test's own clock is its to move, so it has none here), and
/// the store, where a browser test makes a firm of its own.
pub struct Dev {
    pub emulator: Address,
    pub clock: Option<Arc<ShiftedClock>>,
    pub store: Option<Arc<dyn Store>>,
}

struct AppState {
    gateway: Gateway,
    dev: Dev,
    portal: Portal,
}

/// One origin, laid out as the deployed distribution is: the API under `/api`
/// (the prefix stripped before the gateway, as CloudFront's function does), the
/// dev pages under `/_dev`, and the built portal everywhere else.
pub fn router(gateway: Gateway, dev: Dev, portal: Portal) -> Router {
    let state = Arc::new(AppState {
        gateway,
        dev,
        portal,
    });
    Router::new()
        .route(
            &format!("{API_PATH_PREFIX}/{{*path}}"),
            any(through_gateway),
        )
        .route("/_dev/outbox", get(dev_outbox))
        .route("/_dev/inbox", get(dev_inbox))
        .route("/_dev/inbox.css", get(inbox_css))
        .route("/_dev/clock", post(advance_clock))
        .route("/_dev/firms", post(new_firm))
        .route("/_dev/email-events", post(email_event))
        .fallback(portal_file)
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Pages and files are read, never written: other methods are refused, as the
/// distribution's default behaviour allows GET and HEAD only.
async fn portal_file(State(state): State<Arc<AppState>>, request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    state.portal.serve(request.uri().path()).await
}

/// The inbox shows each email's own HTML in a sandboxed frame, styles inline as
/// emails have them: its policy allows inline styles, never inline script.
const INBOX_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

#[derive(serde::Deserialize)]
struct Advance {
    seconds: u32,
}

/// `POST /_dev/clock {"seconds": n}` moves `make dev`'s clock n seconds on, so a
/// browser test sees a link expire; it answers the clock's new time.
async fn advance_clock(State(state): State<Arc<AppState>>, Json(by): Json<Advance>) -> Response {
    let Some(clock) = &state.dev.clock else {
        return StatusCode::NOT_FOUND.into_response();
    };
    clock.advance(Duration::seconds(by.seconds.into()));
    let now = clock.now().format(&Rfc3339).unwrap_or_default();
    Json(serde_json::json!({ "now": now })).into_response()
}

#[derive(serde::Deserialize)]
struct NewFirm {
    name: String,
    admin_email: String,
    admin_name: String,
    admin_password: String,
}

/// `POST /_dev/firms` makes a firm with an administrator whose password is the
/// one given, as the operator's CLI does: a browser test that changes a firm's
/// policy changes its own firm's, never the demo firm the other tests use.
async fn new_firm(State(state): State<Arc<AppState>>, Json(firm): Json<NewFirm>) -> Response {
    let (Some(clock), Some(store)) = (&state.dev.clock, &state.dev.store) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let admin = Admin {
        store: store.as_ref(),
        clock: clock.as_ref(),
    };
    let made = async {
        let id = admin.create_firm(&firm.name).await?;
        admin
            .create_user(NewUser {
                firm: id,
                email: &firm.admin_email,
                name: &firm.admin_name,
                role: Role::Admin,
                language: Language::En,
            })
            .await?;
        admin
            .set_password(&firm.admin_email, firm.admin_password.clone())
            .await?;
        anyhow::Ok(id)
    };
    match made.await {
        Ok(id) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "firm_id": id.to_string() })),
        )
            .into_response(),
        Err(err) => (StatusCode::BAD_REQUEST, format!("{err:#}")).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct EmailEvent {
    email: String,
    /// `permanent-bounce` or `complaint`: the sample event of that name.
    event: String,
}

/// `POST /_dev/email-events {"email", "event": "permanent-bounce" | "complaint"}`
/// delivers to `email-events` what SES would publish for `email` (the emulator's
/// SES publishes no events), so that `make dev` and the browser tests see an
/// address that bounced or complained.
async fn email_event(
    State(state): State<Arc<AppState>>,
    Json(asked): Json<EmailEvent>,
) -> Response {
    if state.dev.clock.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(address) = EmailAddress::parse(&asked.email) else {
        return (StatusCode::BAD_REQUEST, "not an email address").into_response();
    };
    let Some(event) = crate::notifications::email_event(&asked.event, &address) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let delivered = async { email_events::handler(state.gateway.services(), event?).await };
    match delivered.await {
        Ok(run) => Json(run).into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")).into_response(),
    }
}

async fn inbox_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css")], INBOX_CSS).into_response()
}

async fn dev_outbox(State(state): State<Arc<AppState>>) -> Response {
    match state.dev.emulator.outbox().await {
        Ok(outbox) => Json(outbox).into_response(),
        Err(err) => (StatusCode::BAD_GATEWAY, format!("{err:#}")).into_response(),
    }
}

async fn dev_inbox(State(state): State<Arc<AppState>>) -> Response {
    match state.dev.emulator.outbox().await {
        Ok(outbox) => {
            let mut response = Html(inbox_page(&outbox)).into_response();
            page_headers(
                response.headers_mut(),
                HeaderValue::from_static(INBOX_CONTENT_SECURITY_POLICY),
            );
            response
        }
        Err(err) => (StatusCode::BAD_GATEWAY, format!("{err:#}")).into_response(),
    }
}

async fn through_gateway(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            r#"{"message":"Request Entity Too Large"}"#,
        )
            .into_response();
    };
    let response = state
        .gateway
        .handle(Incoming {
            method: parts.method,
            path: parts.uri.path()[API_PATH_PREFIX.len()..].to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body,
            peer,
        })
        .await;
    response.map(Body::from)
}
