//! `portcullis --stack NAME`: the operator CLI takes its settings from the Outputs
//! of a CloudFormation stack, here one made in the emulator whose outputs name
//! the test's own table and bucket.

use std::time::Duration;

use aws_sdk_cloudformation::types::StackStatus;
use portcullis::accounts::FirmStore;
use portcullis::domain::FirmId;
use serde_json::json;

use crate::helpers::{TestApp, run_cli, spawn_app};

/// A stack with no resource of note and these literal outputs; its name.
async fn stack_with_outputs(app: &TestApp, outputs: &[(&str, &str)]) -> String {
    let name = format!("portcullis-cli-{}", uuid::Uuid::new_v4().simple());
    let outputs: serde_json::Map<_, _> = outputs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), json!({ "Value": value })))
        .collect();
    let template = json!({
        "Resources": { "Handle": { "Type": "AWS::CloudFormation::WaitConditionHandle" } },
        "Outputs": outputs,
    });
    let cloudformation = aws_sdk_cloudformation::Client::new(&app.sdk);
    cloudformation
        .create_stack()
        .stack_name(&name)
        .template_body(template.to_string())
        .send()
        .await
        .expect("CreateStack");
    for _ in 0..300 {
        let described = cloudformation
            .describe_stacks()
            .stack_name(&name)
            .send()
            .await
            .expect("DescribeStacks");
        match described.stacks()[0].stack_status() {
            Some(StackStatus::CreateComplete) => return name,
            Some(StackStatus::CreateInProgress) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => panic!("the stack did not create: {other:?}"),
        }
    }
    panic!("the stack took over 30 s to create");
}

fn cli_args<'a>(app: &'a TestApp, stack: &'a str, command: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--endpoint-url", app.emulator.endpoint(), "--stack", stack];
    args.extend(command);
    args
}

#[tokio::test]
async fn create_firm_writes_to_the_table_the_stack_named_gives_as_its_output() {
    let app = spawn_app().await;
    let stack = stack_with_outputs(
        &app,
        &[
            ("TableName", &app.table),
            ("DocumentsBucketName", &app.bucket),
            ("ApiUrl", "https://api.example.com"),
        ],
    )
    .await;

    let printed = run_cli(
        &cli_args(&app, &stack, &["create-firm", "--name", "Stack Output LLP"]),
        &[],
        None,
    )
    .await
    .unwrap();

    let firm = FirmId::parse(printed.trim()).expect("the new firm's id");
    assert_eq!(
        app.store.firm(firm).await.unwrap().map(|firm| firm.name),
        Some("Stack Output LLP".to_owned())
    );
}

#[tokio::test]
async fn a_stack_that_does_not_exist_is_an_error_naming_it() {
    let app = spawn_app().await;
    let missing = format!("portcullis-none-{}", uuid::Uuid::new_v4().simple());

    let err = run_cli(
        &cli_args(&app, &missing, &["create-firm", "--name", "Nowhere LLP"]),
        &[],
        None,
    )
    .await
    .unwrap_err();

    assert_eq!(
        err.to_string(),
        format!("there is no stack {missing:?} in us-east-1")
    );
}

#[tokio::test]
async fn a_stack_without_an_output_a_command_needs_is_an_error_naming_the_output() {
    let app = spawn_app().await;
    let stack = stack_with_outputs(&app, &[("TableName", &app.table)]).await;
    let firm = FirmId::new().to_string();

    let err = run_cli(
        &cli_args(&app, &stack, &["delete-firm", "--firm", &firm]),
        &[],
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the stack {stack:?} has no output DocumentsBucketName (for DOCUMENTS_BUCKET); \
             set DOCUMENTS_BUCKET to give it"
        )
    );

    // The environment gives what the stack does not.
    let err = run_cli(
        &cli_args(&app, &stack, &["delete-firm", "--firm", &firm]),
        &[("DOCUMENTS_BUCKET", &app.bucket)],
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), format!("there is no firm {firm}"));
}
