//! Every flow error's HTTP answer, in one layer: the flows return domain
//! errors, and these say which status and stable error code each one is.

mod accounts;
mod documents;
mod mfa;
mod recovery;
mod sign_in;
