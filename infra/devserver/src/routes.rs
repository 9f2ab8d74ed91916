//! The route table, read from the SAM template: the one source of truth for which
//! function serves which route and which routes are public.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use http::Method;
use serde_yaml::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    /// The path as the template writes it, with `{name}` parameters.
    pub path: String,
    /// The function's binary (`Metadata.BuildProperties.Binary`).
    pub binary: String,
    /// `Auth: { Authorizer: NONE }`: reachable without the authorizer.
    pub public: bool,
}

impl Route {
    /// API Gateway's name for the route: `"GET /me"`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path parameters when `path` matches this route.
    pub fn matches(&self, path: &str) -> Option<HashMap<String, String>> {
        let pattern: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        if pattern.len() != actual.len() {
            return None;
        }
        let mut params = HashMap::new();
        for (want, got) in pattern.iter().zip(&actual) {
            match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) if !got.is_empty() => {
                    params.insert(name.to_owned(), (*got).to_owned());
                }
                Some(_) => return None,
                None if want == got => {}
                None => return None,
            }
        }
        Some(params)
    }
}

pub fn load(template: &Path) -> anyhow::Result<Vec<Route>> {
    let text = std::fs::read_to_string(template)
        .with_context(|| format!("reading {}", template.display()))?;
    parse(&text)
}

pub fn parse(template: &str) -> anyhow::Result<Vec<Route>> {
    let doc: Value = serde_yaml::from_str(template).context("parsing the SAM template")?;
    let Some(resources) = doc.get("Resources").and_then(Value::as_mapping) else {
        bail!("the template has no Resources");
    };
    let mut routes = Vec::new();
    for (name, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let name = name.as_str().unwrap_or("?");
        let events = resource
            .get("Properties")
            .and_then(|p| p.get("Events"))
            .and_then(Value::as_mapping);
        let http_events = events
            .into_iter()
            .flatten()
            .map(|(_, event)| event)
            .filter(|event| event.get("Type").and_then(Value::as_str) == Some("HttpApi"));
        for event in http_events {
            let binary = resource
                .get("Metadata")
                .and_then(|m| m.get("BuildProperties"))
                .and_then(|b| b.get("Binary"))
                .and_then(Value::as_str)
                .with_context(|| format!("{name} has no Metadata.BuildProperties.Binary"))?;
            let properties = event.get("Properties");
            let text = |key: &str| properties.and_then(|p| p.get(key)).and_then(Value::as_str);
            let method = text("Method")
                .with_context(|| format!("{name}: an HttpApi event has no Method"))?;
            let path =
                text("Path").with_context(|| format!("{name}: an HttpApi event has no Path"))?;
            let authorizer = properties
                .and_then(|p| p.get("Auth"))
                .and_then(|a| a.get("Authorizer"))
                .and_then(Value::as_str);
            routes.push(Route {
                method: method
                    .to_ascii_uppercase()
                    .parse()
                    .context("an HTTP method")?,
                path: path.to_owned(),
                binary: binary.to_owned(),
                public: authorizer == Some("NONE"),
            });
        }
    }
    Ok(routes)
}

/// The route API Gateway would pick: of the matches, the one with the fewest
/// parameters (literal segments win).
pub fn find<'a>(
    routes: &'a [Route],
    method: &Method,
    path: &str,
) -> Option<(&'a Route, HashMap<String, String>)> {
    routes
        .iter()
        .filter(|route| route.method == method)
        .filter_map(|route| route.matches(path).map(|params| (route, params)))
        .min_by_key(|(_, params)| params.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Account:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: account
    Properties:
      Events:
        Me:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Method: get
            Path: /me
        Doc:
          Type: HttpApi
          Properties:
            Method: GET
            Path: /cases/{caseId}/documents/{documentId}
        Public:
          Type: HttpApi
          Properties:
            Method: POST
            Path: /auth/login-link
            Auth:
              Authorizer: NONE
        Nightly:
          Type: Schedule
"#;

    #[test]
    fn routes_come_from_http_api_events_with_their_auth() {
        let routes = parse(TEMPLATE).unwrap();
        assert_eq!(routes.len(), 3);
        let me = routes.iter().find(|r| r.path == "/me").unwrap();
        assert_eq!(
            (me.method.as_str(), me.binary.as_str(), me.public),
            ("GET", "account", false)
        );
        assert!(
            routes
                .iter()
                .find(|r| r.path == "/auth/login-link")
                .unwrap()
                .public
        );
    }

    #[test]
    fn path_parameters_are_extracted_and_literals_must_match() {
        let routes = parse(TEMPLATE).unwrap();
        let (route, params) = find(&routes, &Method::GET, "/cases/c1/documents/d2").unwrap();
        assert_eq!(route.key(), "GET /cases/{caseId}/documents/{documentId}");
        assert_eq!(params["caseId"], "c1");
        assert_eq!(params["documentId"], "d2");
        assert!(find(&routes, &Method::GET, "/cases/c1/files/d2").is_none());
        assert!(find(&routes, &Method::POST, "/me").is_none());
        assert!(find(&routes, &Method::GET, "/cases//documents/d2").is_none());
    }
}
