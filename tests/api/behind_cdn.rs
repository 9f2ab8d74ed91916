//! Behind the portal's CloudFront distribution API Gateway sees CloudFront's
//! address: the viewer's, named by the distribution with its secret, counts for the
//! per-address limits instead; a client naming an address itself changes nothing.

use portcullis::http::{CDN_ORIGIN_SECRET_HEADER, CDN_VIEWER_ADDRESS_HEADER};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with, unique_email};

const SECRET: &str = "the-distributions-secret";

async fn app() -> TestApp {
    spawn_app_with(&[
        ("CDN_ORIGIN_SECRET", SECRET),
        ("LOGIN_LINK_LIMIT_PER_IP", "2"),
    ])
    .await
}

/// A link request for a fresh address, with these headers.
async fn request_link(app: &TestApp, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = app
        .api
        .post(app.url("/auth/login-link"))
        .json(&json!({"email": unique_email("viewer")}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn each_viewer_named_by_the_distribution_has_a_budget_of_its_own() {
    let app = app().await;
    let through = |viewer: &'static str| {
        [
            (CDN_ORIGIN_SECRET_HEADER, SECRET),
            (CDN_VIEWER_ADDRESS_HEADER, viewer),
        ]
    };
    for _ in 0..2 {
        assert_eq!(
            request_link(&app, &through("203.0.113.7")).await,
            StatusCode::ACCEPTED
        );
    }
    assert_eq!(
        request_link(&app, &through("203.0.113.7")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another viewer at the same edge is not held back by the first.
    assert_eq!(
        request_link(&app, &through("2001:db8::1")).await,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn an_address_named_without_the_secret_is_not_believed() {
    let app = app().await;
    let forged = [
        [(CDN_VIEWER_ADDRESS_HEADER, "198.51.100.1"), ("x-any", "")],
        [
            (CDN_VIEWER_ADDRESS_HEADER, "198.51.100.2"),
            (CDN_ORIGIN_SECRET_HEADER, "a-guess"),
        ],
    ];
    // Both count against the address the gateway saw, so the third request of
    // that address is refused whatever it names.
    for headers in &forged {
        assert_eq!(request_link(&app, headers).await, StatusCode::ACCEPTED);
    }
    let third = [
        (CDN_VIEWER_ADDRESS_HEADER, "198.51.100.3"),
        (CDN_ORIGIN_SECRET_HEADER, ""),
    ];
    assert_eq!(
        request_link(&app, &third).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
