//! `AppError`: what the UI may see of a failure. Internals are logged on the server and reach
//! the page only as a plain sentence.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not found.")]
    NotFound,
    #[error("Please sign in.")]
    Unauthorized,
    /// Signed in, but not allowed: a role too low for what was asked.
    #[error("Your role does not allow this.")]
    Forbidden,
    /// A member of staff asked for a customer's data without an open access to it.
    #[error("Verify the caller first: the customer's data opens with the code they read out, for 30 minutes.")]
    NotVerified,
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("The service is temporarily unavailable. Please try again in a few minutes.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthorized => 401,
            Self::Forbidden | Self::NotVerified => 403,
            Self::Invalid { .. } => 422,
            Self::Conflict(_) => 409,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        tracing::error!(error = %value, "server function failed");
        let _ = value;
        Self::Internal
    }
}

impl From<selfcare::InputError> for AppError {
    fn from(e: selfcare::InputError) -> Self {
        Self::Invalid {
            field: e.field.to_string(),
            message: e.message,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<selfcare::store::StoreError> for AppError {
    fn from(e: selfcare::store::StoreError) -> Self {
        use selfcare::store::StoreError;
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                Self::Unavailable
            }
            StoreError::Conflict(what) => {
                tracing::warn!(%what, "conflict");
                Self::Conflict(
                    "That change conflicts with another one. Please reload and try again.".into(),
                )
            }
            StoreError::Other(e) => {
                tracing::error!(error = %e, "database error");
                Self::Internal
            }
        }
    }
}
