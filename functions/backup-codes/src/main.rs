#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(backup_codes::handler, portcullis::aws::Adapters::CORE).await
}
