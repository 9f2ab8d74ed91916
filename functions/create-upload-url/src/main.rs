#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(create_upload_url::handler, portcullis::aws::s3_documents).await
}
