#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(documents::handler, portcullis::aws::s3_documents).await
}
