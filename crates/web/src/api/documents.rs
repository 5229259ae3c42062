//! 公文 over JSON: the register, a document, issuing one from a record, spoiling, and the
//! PDF and DOCX as issued. The same use cases as the `/documents` pages.

use super::ApiResult;
use super::dto::{ErrorBody, Page};
use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jianguan_app::Permission::*;
use jianguan_app::documents as docs;
use jianguan_store::entity::document;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_documents, list_documents)
        .api(Supervise, __path_issue_document, issue_document)
        .api(ReadRecords, __path_get_document, get_document)
        .api(Supervise, __path_spoil_document, spoil_document)
        .api(ReadRecords, __path_document_pdf, document_pdf)
        .api(ReadRecords, __path_document_docx, document_docx)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDto {
    pub id: String,
    #[schema(value_type = super::codes::DocumentKindCode)]
    pub kind: String,
    /// order, inspection or sanction.
    pub source_kind: String,
    pub source_id: String,
    pub enterprise_id: Option<String>,
    pub project_id: Option<String>,
    /// 发文字号 as printed, e.g. 交电商办〔2026〕12号.
    pub number: String,
    pub year: i32,
    pub seq: i64,
    pub title: String,
    pub issued_on: chrono::NaiveDate,
    pub issued_by: String,
    /// issued, or spoiled (作废).
    pub state: String,
    pub spoil_reason: Option<String>,
    pub replaces: Option<String>,
    pub pdf_sha256: String,
    pub docx_sha256: String,
    pub pages: i32,
}

impl From<document::Model> for DocumentDto {
    fn from(d: document::Model) -> Self {
        DocumentDto {
            id: d.id,
            kind: d.kind,
            source_kind: d.source_kind,
            source_id: d.source_id,
            enterprise_id: d.enterprise_id,
            project_id: d.project_id,
            number: d.number,
            year: d.year,
            seq: d.seq,
            title: d.title,
            issued_on: d.issued_on,
            issued_by: d.issued_by,
            state: d.state,
            spoil_reason: d.spoil_reason,
            replaces: d.replaces,
            pdf_sha256: d.pdf_sha256,
            docx_sha256: d.docx_sha256,
            pages: d.pages,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// At most 500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// The register of documents the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/documents", params(DocumentQuery), responses((status = 200, body = Page<DocumentDto>), (status = 422, body = ErrorBody)))]
pub async fn list_documents(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<DocumentQuery>,
) -> ApiResult<Json<Page<DocumentDto>>> {
    if q.year.is_some_and(|y| !(2000..=2100).contains(&y)) {
        return Err(jianguan_app::AppError::field("year", "年份请写四位数字，例如 2026").into());
    }
    let found = docs::register(&s.app, &a, q.year, q.offset, q.limit.unwrap_or(50).max(1)).await?;
    Ok(Json(Page {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        offset: q.offset,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentIssueIn {
    #[schema(value_type = super::codes::DocumentKindCode)]
    pub kind: String,
    /// The record it is issued from: a rectification order, a finalised inspection or a
    /// decided sanction.
    #[schema(min_length = 1, max_length = 64)]
    pub source_id: String,
    /// A correction: the document of the same record and kind it replaces.
    #[serde(default)]
    pub replaces: Option<String>,
}

/// Issues a document: numbered in its office's run for the year, rendered once as PDF and
/// DOCX, kept under their SHA-256.
#[utoipa::path(post, path = "/api/v1/documents", request_body = DocumentIssueIn, responses((status = 201, body = DocumentDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue_document(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<DocumentIssueIn>,
) -> ApiResult<(StatusCode, Json<DocumentDto>)> {
    let input = docs::IssueInput {
        kind: b.kind,
        source_id: b.source_id,
        replaces: b.replaces,
    };
    let d = docs::issue(&s.app, &a, &input).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// One document of the register.
#[utoipa::path(get, path = "/api/v1/documents/{id}", params(("id" = String, Path)), responses((status = 200, body = DocumentDto), (status = 404, body = ErrorBody)))]
pub async fn get_document(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentDto>> {
    Ok(Json(docs::get(&s.app, &a, &id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentSpoilIn {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Spoils a document (作废) with its reason; it stays in the register.
#[utoipa::path(post, path = "/api/v1/documents/{id}/spoil", params(("id" = String, Path)), request_body = DocumentSpoilIn, responses((status = 200, body = DocumentDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn spoil_document(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DocumentSpoilIn>,
) -> ApiResult<Json<DocumentDto>> {
    Ok(Json(docs::spoil(&s.app, &a, &id, &b.reason).await?.into()))
}

async fn file(
    s: &AppState,
    a: &jianguan_app::Actor,
    id: &str,
    format: &str,
) -> ApiResult<Response> {
    let (bytes, ct, _) = docs::file(&s.app, a, id, format).await?;
    Ok(([(header::CONTENT_TYPE, ct)], bytes).into_response())
}

/// The PDF as issued.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", params(("id" = String, Path)), responses((status = 200, description = "the PDF", content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn document_pdf(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    file(&s, &a, &id, "pdf").await
}

/// The DOCX as issued, to edit in WPS or Word.
#[utoipa::path(get, path = "/api/v1/documents/{id}/docx", params(("id" = String, Path)), responses((status = 200, description = "the DOCX", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn document_docx(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    file(&s, &a, &id, "docx").await
}
