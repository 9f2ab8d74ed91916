//! The built portal (`portal/dist`, made by `npm run build`), served as the
//! template's CloudFront distribution serves it: a path whose last segment has no
//! `.` is a page of the app and gets `index.html`, never cached; `/assets/*` are
//! the build's content-hashed files, cached for good; any other file only if the
//! build has it.

use std::path::{Path, PathBuf};

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use portcullis::http::{STRICT_TRANSPORT_SECURITY, page_content_security_policy};

pub struct Portal {
    dist: PathBuf,
    policy: HeaderValue,
}

impl Portal {
    /// The build in `dist`, whose pages may send requests to `documents_origin`
    /// (where uploads go).
    pub fn new(dist: PathBuf, documents_origin: &str) -> anyhow::Result<Self> {
        let policy = HeaderValue::from_str(&page_content_security_policy(documents_origin))?;
        Ok(Self { dist, policy })
    }

    /// The folder `make dev` builds the portal into.
    pub fn default_dist() -> PathBuf {
        crate::workspace_root().join("portal/dist")
    }

    pub fn dist(&self) -> &Path {
        &self.dist
    }

    pub async fn serve(&self, path: &str) -> Response {
        let last = path.rsplit('/').next().unwrap_or_default();
        if !last.contains('.') || path == "/index.html" {
            return self.index().await;
        }
        let Some(relative) = build_file(path) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        match tokio::fs::read(self.dist.join(&relative)).await {
            Ok(bytes) => {
                let cache = if relative.starts_with("assets") {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                let content_type = mime_guess::from_path(&relative).first_or_octet_stream();
                let mut response = bytes.into_response();
                let headers = response.headers_mut();
                if let Ok(value) = HeaderValue::from_str(content_type.essence_str()) {
                    headers.insert(header::CONTENT_TYPE, value);
                }
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
                headers.insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                );
                response
            }
            Err(_) => StatusCode::NOT_FOUND.into_response(),
        }
    }

    /// The app's one page. The pages behind emailed links hold a token in the
    /// query string: never cached, and never named to another site.
    async fn index(&self) -> Response {
        let (status, body) = match tokio::fs::read_to_string(self.dist.join("index.html")).await {
            Ok(page) => (StatusCode::OK, page),
            Err(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "<!doctype html><html lang=\"en\"><title>Portcullis</title><p>The portal is not \
                 built: run <code>make dev</code>, or <code>npm --prefix portal run build</code>.</p>"
                    .to_owned(),
            ),
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        page_headers(headers, self.policy.clone());
        response
    }
}

/// What every HTML page carries: its Content-Security-Policy, no sniffing, no
/// referrer, never cached, HTTPS only where served over HTTPS.
pub fn page_headers(headers: &mut HeaderMap, policy: HeaderValue) {
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
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

/// `path` as a file of the build, if every segment is a plain name (no `..`, no
/// hidden files, nothing a file system would read as more than a name).
fn build_file(path: &str) -> Option<PathBuf> {
    let plain = |segment: &str| {
        !segment.is_empty()
            && !segment.starts_with('.')
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    segments
        .iter()
        .all(|segment| plain(segment))
        .then(|| segments.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_files_of_the_build() {
        assert_eq!(
            build_file("/assets/index-Ab_1.js"),
            Some(PathBuf::from("assets/index-Ab_1.js"))
        );
        assert_eq!(
            build_file("/favicon.svg"),
            Some(PathBuf::from("favicon.svg"))
        );
        for bad in [
            "/assets/../../etc/passwd",
            "/assets/.env",
            "/assets//x.js",
            "/assets/a%2e.js",
            "/assets/a\\b.js",
        ] {
            assert_eq!(build_file(bad), None, "{bad}");
        }
    }
}
