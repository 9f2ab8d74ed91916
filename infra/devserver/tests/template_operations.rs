//! What an operator needs of the deployed stack, read from the SAM template: every
//! function logs to a log group of its own that expires, and is watched by an
//! alarm on its errors and one on its throttles, which notify the alarm topic;
//! the upload handler's failures wait 14 days in a queue that is watched; the
//! routes that cost money or Argon2id are throttled tighter than the rest; the
//! outputs the operator CLI reads with `--stack` give the functions' own settings.

use std::collections::BTreeSet;

use devserver::template_path;
use serde_yaml::{Mapping, Value};

fn template() -> Value {
    let text = std::fs::read_to_string(template_path()).expect("the template");
    serde_yaml::from_str(&text).expect("YAML")
}

fn resources(doc: &Value) -> &Mapping {
    doc["Resources"].as_mapping().expect("Resources")
}

fn of_type<'a>(doc: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    resources(doc)
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(name, r)| (name.as_str().expect("a name"), r))
        .collect()
}

/// The name a `!Ref Name` (or `!GetAtt Name.Attribute`) points to.
fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "Ref" => tagged.value.as_str(),
        Value::Tagged(tagged) if tagged.tag == "GetAtt" => {
            tagged.value.as_str().and_then(|v| v.split('.').next())
        }
        _ => None,
    }
}

fn notifies_the_alarm_topic(alarm: &Value) {
    for actions in ["AlarmActions", "OKActions"] {
        let text = serde_yaml::to_string(&alarm["Properties"][actions]).expect("YAML");
        assert!(
            text.contains("HasAlarmTopic") && text.contains("AlarmTopicArn"),
            "{actions}: {text}"
        );
    }
}

#[test]
fn every_function_logs_lambdas_json_to_a_group_of_its_own_that_expires() {
    let doc = template();
    let functions = of_type(&doc, "AWS::Serverless::Function");
    assert!(functions.len() >= 20, "{} functions", functions.len());
    let mut groups = BTreeSet::new();
    for (name, function) in &functions {
        let logging = &function["Properties"]["LoggingConfig"];
        let group = reference(&logging["LogGroup"])
            .unwrap_or_else(|| panic!("{name} has no LoggingConfig.LogGroup"));
        // Lambda's own JSON shape, at the level the stack's parameter gives.
        assert_eq!(logging["LogFormat"].as_str(), Some("JSON"), "{name}");
        assert_eq!(
            reference(&logging["ApplicationLogLevel"]),
            Some("LogLevel"),
            "{name}"
        );
        assert!(groups.insert(group), "{name} shares {group}");
        let resource = &resources(&doc)[group];
        assert_eq!(
            resource["Type"].as_str(),
            Some("AWS::Logs::LogGroup"),
            "{group}"
        );
        assert_eq!(
            reference(&resource["Properties"]["RetentionInDays"]),
            Some("LogRetentionDays"),
            "{group} expires"
        );
    }
    // The API's access log too.
    let access = &resources(&doc)["ApiAccessLogGroup"]["Properties"]["RetentionInDays"];
    assert_eq!(reference(access), Some("LogRetentionDays"));
}

#[test]
fn every_function_is_watched_for_errors_and_throttles() {
    let doc = template();
    let alarms = of_type(&doc, "AWS::CloudWatch::Alarm");
    let watched = |metric: &str| -> BTreeSet<&str> {
        alarms
            .iter()
            .filter(|(_, a)| {
                a["Properties"]["Namespace"].as_str() == Some("AWS/Lambda")
                    && a["Properties"]["MetricName"].as_str() == Some(metric)
                    && a["Properties"]["Threshold"].as_u64() == Some(1)
            })
            .filter_map(|(_, a)| {
                let dimensions = a["Properties"]["Dimensions"].as_sequence()?;
                dimensions
                    .iter()
                    .find(|d| d["Name"].as_str() == Some("FunctionName"))
                    .and_then(|d| reference(&d["Value"]))
            })
            .collect()
    };
    let functions: BTreeSet<&str> = of_type(&doc, "AWS::Serverless::Function")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        watched("Errors"),
        functions,
        "an errors alarm for each function"
    );
    assert_eq!(
        watched("Throttles"),
        functions,
        "a throttles alarm for each function"
    );
    for (_, alarm) in &alarms {
        notifies_the_alarm_topic(alarm);
    }
}

#[test]
fn the_upload_handlers_failures_wait_fourteen_days_in_a_watched_queue() {
    let doc = template();
    let config = &resources(&doc)["DocumentUploadedFunction"]["Properties"]["EventInvokeConfig"];
    let queue = reference(&config["DestinationConfig"]["OnFailure"]["Destination"])
        .expect("a queue of the template's own");
    let properties = &resources(&doc)[queue]["Properties"];
    assert_eq!(
        properties["MessageRetentionPeriod"].as_u64(),
        Some(14 * 24 * 3600)
    );
    let alarms = of_type(&doc, "AWS::CloudWatch::Alarm");
    assert!(alarms.iter().any(|(_, a)| {
        a["Properties"]["MetricName"].as_str() == Some("ApproximateNumberOfMessagesVisible")
            && reference(&a["Properties"]["Dimensions"][0]["Value"]) == Some(queue)
    }));
}

#[test]
fn the_api_email_and_sms_have_their_alarms() {
    let doc = template();
    let metrics: BTreeSet<String> = of_type(&doc, "AWS::CloudWatch::Alarm")
        .iter()
        .filter_map(|(_, a)| {
            let properties = &a["Properties"];
            match properties["MetricName"].as_str() {
                Some(metric) => Some(metric.to_owned()),
                // A metric-math alarm: the metrics it divides.
                None => Some(
                    properties["Metrics"]
                        .as_sequence()?
                        .iter()
                        .filter_map(|m| m["MetricStat"]["Metric"]["MetricName"].as_str())
                        .collect::<Vec<_>>()
                        .join("/"),
                ),
            }
        })
        .collect();
    for metric in [
        "5xx/Count",
        "Reputation.BounceRate",
        "Reputation.ComplaintRate",
        "SMSMonthToDateSpentUSD",
    ] {
        assert!(metrics.contains(metric), "{metric} in {metrics:?}");
    }
}

#[test]
fn the_routes_that_cost_argon2id_email_or_sms_are_throttled_tighter() {
    let doc = template();
    let api = &resources(&doc)["HttpApi"]["Properties"];
    let default = &api["DefaultRouteSettings"];
    assert_eq!(
        reference(&default["ThrottlingRateLimit"]),
        Some("ApiRateLimit")
    );
    assert_eq!(
        reference(&default["ThrottlingBurstLimit"]),
        Some("ApiBurstLimit")
    );
    let routes = api["RouteSettings"].as_mapping().expect("RouteSettings");
    let known: BTreeSet<String> = devserver::routes::load(&template_path())
        .expect("the routes")
        .iter()
        .map(|route| route.key())
        .collect();
    for route in [
        "POST /auth/login-link",
        "POST /auth/password",
        "POST /auth/password/reset-request",
        "POST /auth/mfa/sms/send",
    ] {
        let settings = &routes[route];
        assert_eq!(
            reference(&settings["ThrottlingRateLimit"]),
            Some("SignInRateLimit"),
            "{route}"
        );
        assert_eq!(
            reference(&settings["ThrottlingBurstLimit"]),
            Some("SignInBurstLimit"),
            "{route}"
        );
    }
    for (key, _) in routes {
        let key = key.as_str().expect("a route key");
        assert!(known.contains(key), "{key} is a route of the API");
    }
    // Argon2id on passwords from anywhere: a reserved (and capped) concurrency.
    for function in ["PasswordLoginFunction", "ChangePasswordFunction"] {
        let reserved = serde_yaml::to_string(
            &resources(&doc)[function]["Properties"]["ReservedConcurrentExecutions"],
        )
        .expect("YAML");
        assert!(
            reserved.contains("PasswordFunctionsReservedConcurrency"),
            "{function}: {reserved}"
        );
    }
}

#[test]
fn every_setting_the_cli_reads_from_a_stack_is_an_output_with_the_functions_own_value() {
    use portcullis_cli::deployed_stack::{API_URL_OUTPUT, OUTPUTS};

    let doc = template();
    let outputs = doc["Outputs"].as_mapping().expect("Outputs");
    assert!(outputs.contains_key(API_URL_OUTPUT));
    let env = &doc["Globals"]["Function"]["Environment"]["Variables"];
    for (setting, output) in OUTPUTS {
        let value = &outputs
            .get(output)
            .unwrap_or_else(|| panic!("no output {output}"))["Value"];
        let functions = &env[setting];
        // The bucket's name is built in the functions' environment (see the
        // template's DocumentsBucketPrefix) and is the bucket's own name.
        match reference(value) {
            Some("DocumentsBucket") => {
                let bucket = &resources(&doc)["DocumentsBucket"]["Properties"]["BucketName"];
                assert_eq!(bucket, functions, "{setting}");
            }
            _ => assert_eq!(value, functions, "{output} is not {setting}"),
        }
    }
}
