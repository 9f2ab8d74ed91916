#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(documents::handler, portcullis::aws::Adapters::DOCUMENTS).await
}
