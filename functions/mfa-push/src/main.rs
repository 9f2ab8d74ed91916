#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(mfa_push::handler, portcullis::aws::Adapters::PUSH).await
}
