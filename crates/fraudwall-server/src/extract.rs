//! Request extractors whose rejections speak the API's error format. The framework's own
//! extractors answer in plain text, so handlers take these instead.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
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

/// The raw body of any content type (a list file, a rule set), with the body-size limit
/// checked.
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(body_rejection)
    }
}

/// Path parameters: a segment that does not parse (a token id that is not a number) is an
/// `invalid_parameter`.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| {
                ApiError::new(
                    Code::InvalidParameter,
                    lowercase_first(&rejection.body_text()),
                )
            })
    }
}

/// Query parameters: a missing, unknown or malformed one is an `invalid_parameter`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                ApiError::new(
                    Code::InvalidParameter,
                    lowercase_first(&rejection.body_text()),
                )
            })
    }
}

/// The framework's messages start with a capital; the API's are lowercase.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
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
            .map_err(body_error)
    }
}

/// Why a JSON body does not parse. A field the body does not take gets its own code, so that a
/// client that misspells an optional field learns it instead of having it ignored.
pub fn body_error(err: serde_json::Error) -> ApiError {
    let message = format!("invalid json body: {err}");
    if err.is_data() && err.to_string().starts_with("unknown field") {
        ApiError::new(Code::UnknownField, message)
    } else {
        ApiError::new(Code::MalformedJson, message)
    }
}
