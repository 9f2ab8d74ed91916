#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(account::handler, portcullis::aws::Adapters::CORE).await
}
