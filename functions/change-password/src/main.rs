#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(change_password::handler, portcullis::aws::Adapters::CORE).await
}
