//! The documents that describe the API agree with each other and with the code.

use std::collections::BTreeSet;
use std::path::Path;

use devserver::{http_handlers, routes, template_path, workspace_root};
use serde_yaml::Value;

fn template_routes() -> BTreeSet<(String, String)> {
    routes::load(&template_path())
        .unwrap()
        .into_iter()
        .map(|route| (route.method.to_string(), route.path))
        .collect()
}

#[test]
fn the_openapi_document_and_the_template_have_the_same_routes() {
    let text = std::fs::read_to_string(workspace_root().join("infra/openapi.yaml")).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let methods = ["get", "put", "post", "delete", "patch"];
    let openapi: BTreeSet<(String, String)> = doc["paths"]
        .as_mapping()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            let path = path.as_str().unwrap().to_owned();
            item.as_mapping()
                .unwrap()
                .keys()
                .filter_map(|k| k.as_str())
                .filter(|k| methods.contains(k))
                .map(move |method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(openapi, template_routes());
}

#[test]
fn each_function_is_wired_with_exactly_the_clients_its_policy_allows() {
    let text = std::fs::read_to_string(template_path()).unwrap();
    let template: Value = serde_yaml::from_str(&text).unwrap();
    let functions = template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|resource| resource["Type"] == "AWS::Serverless::Function");
    let mut checked = 0;
    for function in functions {
        let binary = function["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap();
        let allowed = |service: &str| {
            function["Properties"]["Policies"]
                .as_sequence()
                .into_iter()
                .flatten()
                .flat_map(|policy| policy["Statement"].as_sequence().into_iter().flatten())
                .flat_map(|statement| statement["Action"].as_sequence().into_iter().flatten())
                .any(|action| action.as_str().is_some_and(|a| a.starts_with(service)))
        };
        let main = std::fs::read_to_string(
            workspace_root().join(format!("functions/{binary}/src/main.rs")),
        )
        .unwrap();
        let wired = match (
            allowed("s3:"),
            allowed("sns:"),
            allowed("sns:CreatePlatformEndpoint") || allowed("sns:DeleteEndpoint"),
            allowed("sqs:SendMessage"),
        ) {
            (false, false, _, false) => "Adapters::CORE",
            (false, false, _, true) => "Adapters::JOBS",
            (true, false, _, false) => "Adapters::DOCUMENTS",
            (false, true, false, false) => "Adapters::SMS",
            (false, true, true, false) => "Adapters::PUSH",
            _ => "Adapters::ALL",
        };
        assert!(
            main.contains(wired),
            "{binary} should be wired with {wired}"
        );
        checked += 1;
    }
    assert!(checked >= 13, "{checked} functions found in the template");
}

#[test]
fn every_routed_function_is_hosted_by_the_dev_server() {
    let handlers = http_handlers();
    for route in routes::load(&template_path()).unwrap() {
        assert!(
            handlers.contains_key(route.binary.as_str()),
            "{}",
            route.binary
        );
    }
}

fn sample_events(function: &str) -> Vec<String> {
    let dir = workspace_root().join("events").join(function);
    let mut events: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{} has sample events", dir.display()))
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    events.sort();
    assert!(!events.is_empty(), "{function} has sample events");
    events
}

#[test]
fn every_sample_http_event_is_one_lambda_http_accepts() {
    let functions: BTreeSet<String> = routes::load(&template_path())
        .unwrap()
        .into_iter()
        .map(|route| route.binary)
        .collect();
    for function in &functions {
        for event in sample_events(function) {
            lambda_http::request::from_str(&event)
                .unwrap_or_else(|err| panic!("{function}: {err}"));
        }
    }
}

#[test]
fn every_sample_authorizer_event_is_one_the_authorizer_accepts() {
    for event in sample_events("authorizer") {
        serde_json::from_str::<aws_lambda_events::apigw::ApiGatewayV2CustomAuthorizerV2Request>(
            &event,
        )
        .unwrap();
    }
}

#[test]
fn every_sample_s3_event_is_one_aws_sends_and_the_function_reads() {
    for event in sample_events("document-uploaded") {
        serde_json::from_str::<aws_lambda_events::s3::S3Event>(&event).unwrap();
        let read: portcullis::documents::uploaded::S3Notification =
            serde_json::from_str(&event).unwrap();
        assert!(!read.records.is_empty());
    }
}

#[test]
fn every_sample_sns_event_is_one_aws_sends_and_the_function_reads() {
    for event in sample_events("email-events") {
        serde_json::from_str::<aws_lambda_events::sns::SnsEvent>(&event).unwrap();
        let read: portcullis::suppression::SnsEvent = serde_json::from_str(&event).unwrap();
        assert!(!read.records.is_empty());
    }
}

#[test]
fn every_sample_sqs_event_is_one_aws_sends_and_the_function_reads() {
    for event in sample_events("run-jobs") {
        serde_json::from_str::<aws_lambda_events::sqs::SqsEvent>(&event).unwrap();
        let read: portcullis::jobs::SqsEvent = serde_json::from_str(&event).unwrap();
        for message in read.records {
            serde_json::from_str::<portcullis::jobs::Job>(&message.body).unwrap();
        }
    }
}

#[test]
fn every_function_crate_has_sample_events() {
    let functions = std::fs::read_dir(workspace_root().join("functions")).unwrap();
    for function in functions {
        let name = function.unwrap().file_name().into_string().unwrap();
        assert!(
            Path::new(&workspace_root().join("events").join(&name)).is_dir(),
            "{name}"
        );
    }
}
