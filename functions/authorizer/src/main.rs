#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_event(authorizer::handler, portcullis::aws::Adapters::CORE).await
}
