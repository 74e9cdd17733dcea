//! Request extractors whose rejections speak the API's error format.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Code};

/// The raw body, with the body-size limit and content type checked. JSON is the only media type
/// the API speaks; a missing content type is accepted, since some HTTP clients omit it.
#[derive(Debug)]
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(content_type) = request.headers().get(CONTENT_TYPE) {
            let is_json = content_type
                .to_str()
                .map(|value| {
                    let essence = value.split(';').next().unwrap_or("").trim();
                    essence.eq_ignore_ascii_case("application/json")
                        || essence.to_ascii_lowercase().ends_with("+json")
                })
                .unwrap_or(false);
            if !is_json {
                return Err(ApiError::new(
                    Code::UnsupportedContentType,
                    "the body must be application/json",
                ));
            }
        }
        Bytes::from_request(request, state)
            .await
            .map(JsonBytes)
            .map_err(body_rejection)
    }
}

fn body_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            Code::PayloadTooLarge,
            "the request body exceeds the size limit",
        )
    } else {
        ApiError::new(
            Code::MalformedJson,
            format!("cannot read the body: {rejection}"),
        )
    }
}

/// A JSON body parsed into `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBytes(bytes) = JsonBytes::from_request(request, state).await?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|err| ApiError::new(Code::MalformedJson, format!("invalid json body: {err}")))
    }
}
