#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_event(
        settle_abandoned_uploads::handler,
        portcullis::aws::Adapters::JOBS,
    )
    .await
}
