#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(start_recovery::handler, portcullis::aws::Adapters::CORE).await
}
