#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(firm_admin::handler, portcullis::aws::Adapters::PUSH).await
}
