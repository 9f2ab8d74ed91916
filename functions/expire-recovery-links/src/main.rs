#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_event(
        expire_recovery_links::handler,
        portcullis::aws::Adapters::JOBS,
    )
    .await
}
