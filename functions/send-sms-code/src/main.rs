#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portcullis::runtime::run_http(send_sms_code::handler, portcullis::aws::Adapters::SMS).await
}
