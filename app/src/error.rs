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
        match value {
            // The request's fields did not read as the function's typed arguments: a form or
            // link out of date or tampered with. The sender's doing, so a 4xx.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                #[cfg(feature = "ssr")]
                tracing::warn!(%detail, "server function arguments refused");
                let _ = detail;
                Self::Invalid {
                    field: "form".into(),
                    message: "This form could not be read. Please open the page again and retry."
                        .into(),
                }
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                let _ = other;
                Self::Internal
            }
        }
    }

    /// The error's body, and (to the server-function client) its status: server_fn answers
    /// every error with 500 otherwise. A form posted without JavaScript keeps the redirect
    /// back to its page that `leptos_axum` gives it.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        if !crate::ssr::is_plain_form_post() {
            crate::ssr::set_status(self.status());
        }
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| leptos::server_fn::Bytes::from_static(b"\"Internal\""))
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
impl From<selfcare_store::StoreError> for AppError {
    fn from(e: selfcare_store::StoreError) -> Self {
        use selfcare_store::{StoreError, Unique};
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                Self::Unavailable
            }
            StoreError::Duplicate(which) => {
                tracing::warn!(?which, "unique constraint");
                match which {
                    Unique::StaffEmail => Self::Invalid {
                        field: "email".into(),
                        message: "A member of staff already has this email address.".into(),
                    },
                    Unique::CustomerEmail => Self::Invalid {
                        field: "email".into(),
                        message: "Another account already has this email address.".into(),
                    },
                    Unique::CustomerPhone | Unique::LineNumber => Self::Invalid {
                        field: "phone".into(),
                        message: "Another account already has this phone number.".into(),
                    },
                    Unique::RequestKey => Self::Conflict(
                        "This form was sent already; nothing more was changed.".into(),
                    ),
                    Unique::InvoiceNumber
                    | Unique::VoucherCode
                    | Unique::CatalogCode
                    | Unique::Other => {
                        Self::Conflict("This exists already; nothing was changed.".into())
                    }
                }
            }
            StoreError::Conflict(what) => {
                tracing::warn!(%what, "lost a race with a concurrent change");
                Self::Conflict(
                    "Something changed while you were doing this. Please reload the page and try again."
                        .into(),
                )
            }
            StoreError::Corrupt(what) => {
                tracing::error!(%what, "a stored value the code does not know");
                Self::Internal
            }
            StoreError::Seed(detail) => {
                tracing::error!(%detail, "seed");
                Self::Internal
            }
            StoreError::Other(e) => {
                tracing::error!(error = %e, "database error");
                Self::Internal
            }
        }
    }
}
