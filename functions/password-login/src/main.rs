#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(password_login::handler, portcullis::aws::Adapters::CORE).await
}
