#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(firm_cases::handler, portcullis::aws::Adapters::CORE).await
}
