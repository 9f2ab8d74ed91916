#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(complete_recovery::handler, portcullis::aws::Adapters::PUSH).await
}
