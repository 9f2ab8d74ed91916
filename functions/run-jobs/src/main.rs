#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // The uploads' jobs check objects in the documents bucket.
    portcullis::runtime::run_event(run_jobs::handler, portcullis::aws::Adapters::DOCUMENTS).await
}
