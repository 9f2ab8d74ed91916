#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(verify_login_link::handler, portcullis::aws::Adapters::CORE).await
}
