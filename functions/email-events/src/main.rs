#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_event(email_events::handler, portcullis::aws::Adapters::CORE).await
}
