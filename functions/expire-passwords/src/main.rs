#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_event(expire_passwords::handler, portcullis::aws::Adapters::JOBS).await
}
