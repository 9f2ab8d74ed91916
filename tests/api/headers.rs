//! What every answer carries: API answers are never cached, sniffed or sent over
//! plain HTTP twice; the portal's pages run no inline script and are never framed.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} on {}", response.url()))
        .to_str()
        .unwrap()
}

fn assert_api_headers(response: &reqwest::Response) {
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "cache-control"), "no-store");
    assert!(header(response, "strict-transport-security").starts_with("max-age=63072000"));
}

#[tokio::test]
async fn every_kind_of_api_answer_is_never_cached_nor_sniffed_and_asks_for_https() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let accepted = app.request_link("someone@example.com").await;
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    assert_api_headers(&accepted);
    let signed_in = app
        .post_json(
            "/auth/password",
            &json!({"email": user.email, "password": crate::helpers::FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_api_headers(&signed_in);
    let refused = app.get_me("not a session").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_api_headers(&refused);
    let session = app.password_sign_in(&user.email).await;
    let logged_out = app.post_as("/auth/logout", &session, &json!({})).await;
    assert_eq!(logged_out.status(), StatusCode::NO_CONTENT);
    assert_api_headers(&logged_out);
}

/// Whether an element has an `on…=` attribute (an inline event handler).
fn has_inline_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(at, _)| {
        let rest = &html[at + 3..];
        let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
        !name.is_empty() && rest[name.len()..].starts_with('=')
    })
}

async fn page(app: &TestApp, path: &str) -> (reqwest::Response, String) {
    let response = app.api.get(app.page_url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let body = app
        .api
        .get(app.page_url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (response, body)
}

#[tokio::test]
async fn every_page_has_a_policy_without_inline_script_and_loads_its_script_from_the_origin() {
    let app = spawn_app().await;
    // Every page an email links to, and the dev inbox.
    for path in [
        "/",
        "/auth/verify?token=x",
        "/auth/reset?token=x",
        "/recovery?token=x",
        "/recovery/review?recovery=x",
        "/cases/0b6d3c1e-5f7a-4b8c-9d0e-1f2a3b4c5d6e",
        "/_dev/inbox",
    ] {
        let (response, body) = page(&app, path).await;
        let policy = header(&response, "content-security-policy");
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(
            !policy.contains("script-src"),
            "{path}: scripts from 'self' only"
        );
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        assert_eq!(header(&response, "referrer-policy"), "no-referrer");
        assert_eq!(header(&response, "cache-control"), "no-store");
        assert!(!body.contains("<script>"), "{path} has an inline script");
        assert!(!has_inline_handler(&body), "{path} has an inline handler");
        for script in body.split(" src=\"").skip(1) {
            let src = script.split('"').next().unwrap();
            let asset = app.api.get(app.page_url(src)).send().await.unwrap();
            assert_eq!(asset.status(), StatusCode::OK, "{src}");
            assert_eq!(header(&asset, "content-type"), "text/javascript");
        }
    }
}

#[tokio::test]
async fn the_portals_pages_may_send_only_to_the_origin_and_the_document_store() {
    let app = spawn_app().await;
    let (response, _) = page(&app, "/").await;
    let policy = header(&response, "content-security-policy");
    let store = app.emulator.endpoint();
    assert!(
        policy.contains(&format!("connect-src 'self' {store};")),
        "{policy}"
    );
    assert!(policy.contains("object-src 'none'"), "{policy}");
}

#[tokio::test]
async fn the_build_is_served_as_the_distribution_serves_it() {
    let app = spawn_app().await;
    let get = |path: &'static str| app.api.get(app.page_url(path)).send();
    // A hashed asset is cached for good; a page never.
    let asset = get("/assets/index-Fx1.js").await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        header(&asset, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&asset, "x-content-type-options"), "nosniff");
    // A file the build lacks, or a name that is not a plain one, is not found; a
    // page path is the app's page.
    for missing in [
        "/assets/nothing.js",
        "/favicon.ico",
        "/assets/..%2f..%2fCargo.toml",
    ] {
        let response = get(missing).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    let page = get("/some/page/of/the/app").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("<div id=\"app\">"));
    // Only the API answers other methods.
    let post = app
        .api
        .post(app.page_url("/auth/verify"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_api_is_under_api_on_the_portals_origin_and_nowhere_else() {
    let app = spawn_app().await;
    let body = json!({"email": "someone@example.com"});
    let under_api = app.post_json("/auth/login-link", &body).await;
    assert_eq!(under_api.status(), StatusCode::ACCEPTED);
    let bare = app
        .api
        .post(app.page_url("/auth/login-link"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::METHOD_NOT_ALLOWED);
    let me = app.api.get(app.page_url("/me")).send().await.unwrap();
    assert!(
        header(&me, "content-type").starts_with("text/html"),
        "/me is a page path"
    );
}
