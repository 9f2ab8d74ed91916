#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(
        create_upload_url::handler,
        portcullis::aws::Adapters::DOCUMENTS,
    )
    .await
}
