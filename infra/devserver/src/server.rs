//! The HTTP server: the gateway for every template route, plus the dev pages.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};
use tokio::net::TcpListener;

use crate::emulator::Address;
use crate::gateway::{Gateway, Incoming};
use crate::pages::{ASSETS, RECOVERY_PAGE, RESET_PAGE, REVIEW_PAGE, VERIFY_PAGE, inbox_page};
use portcullis::http::{PAGE_CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY};

/// API Gateway refuses bodies over 10 MB.
const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

struct AppState {
    gateway: Gateway,
    emulator: Address,
}

pub fn router(gateway: Gateway, emulator: Address) -> Router {
    let state = Arc::new(AppState { gateway, emulator });
    Router::new()
        .route("/auth/verify", get(|| portal_page(VERIFY_PAGE)))
        .route("/auth/reset", get(|| portal_page(RESET_PAGE)))
        .route("/recovery", get(|| portal_page(RECOVERY_PAGE)))
        .route("/recovery/review", get(|| portal_page(REVIEW_PAGE)))
        .route("/assets/{name}", get(asset))
        .route("/_dev/outbox", get(dev_outbox))
        .route("/_dev/inbox", get(dev_inbox))
        .fallback(through_gateway)
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

/// A page an emailed link opens: never cached, and never naming its URL (which
/// holds the token) to another site.
async fn portal_page(page: &'static str) -> Response {
    let mut response = Html(page).into_response();
    page_headers(response.headers_mut(), PAGE_CONTENT_SECURITY_POLICY);
    response
}

/// What every HTML page carries: its Content-Security-Policy (no inline script,
/// never framed), no sniffing, no referrer, never cached, HTTPS only where served
/// over HTTPS.
fn page_headers(headers: &mut http::HeaderMap, policy: &'static str) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
    );
}

/// The inbox shows each email's own HTML in a sandboxed frame, styles inline as
/// emails have them: its policy allows inline styles, never inline script.
const INBOX_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => {
            let mut response = (*body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn dev_outbox(State(state): State<Arc<AppState>>) -> Response {
    match state.emulator.outbox().await {
        Ok(outbox) => Json(outbox).into_response(),
        Err(err) => (StatusCode::BAD_GATEWAY, format!("{err:#}")).into_response(),
    }
}

async fn dev_inbox(State(state): State<Arc<AppState>>) -> Response {
    match state.emulator.outbox().await {
        Ok(outbox) => {
            let mut response = Html(inbox_page(&outbox)).into_response();
            page_headers(response.headers_mut(), INBOX_CONTENT_SECURITY_POLICY);
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
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body,
            peer,
        })
        .await;
    response.map(Body::from)
}
