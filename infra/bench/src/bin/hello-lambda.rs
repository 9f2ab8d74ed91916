//! The cold-start baseline: the smallest `lambda_http` function there is. It does
//! no work of its own, so its start-up is the runtime's and the process's alone.

use lambda_http::{Body, Error, Request, Response, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(|_: Request| async {
        Ok::<_, Error>(Response::new(Body::from("hello")))
    }))
    .await
}
