#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_event(
        document_uploaded::handler,
        portcullis::aws::Adapters::DOCUMENTS,
    )
    .await
}
