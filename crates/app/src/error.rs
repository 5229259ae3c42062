use jianguan_domain::FieldErrors;

/// Every error a use case can give. `code()` is the stable machine code of the API;
/// `message()` is what a county official reads.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// Also what another county's or another enterprise's record looks like: it is not
    /// there for this caller.
    #[error("not found")]
    NotFound,
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("throttled")]
    Throttled { seconds: i64 },
    #[error("bad credentials")]
    BadCredentials,
    /// Too much heavy work is waiting (uploads being parsed): try again shortly.
    #[error("busy")]
    Busy,
    /// A stored row that cannot be read as its type (edited outside the product, or
    /// written by a bug): reported with the row named, never shown as empty.
    #[error("corrupt row: {table} {id}, column {column}: {detail}")]
    Corrupt {
        table: &'static str,
        id: String,
        column: &'static str,
        detail: String,
    },
    /// What failed, and the error that made it fail (kept as the source, so the log shows
    /// the whole chain).
    #[error("internal: {context}")]
    Internal {
        context: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation(_) => "validation_failed",
            AppError::Conflict(_) => "conflict",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::BadCredentials => "bad_credentials",
            AppError::Busy => "busy",
            AppError::Corrupt { .. } => "corrupt_record",
            AppError::Internal { .. } => "internal_error",
        }
    }

    pub fn message(&self) -> String {
        match self {
            AppError::Unauthenticated => "请先登录".into(),
            AppError::Forbidden => "您的角色无权进行此操作".into(),
            AppError::NotFound => "没有找到该记录，或您无权查看".into(),
            AppError::Validation(_) => "填写的内容有误，请按提示修改后再提交".into(),
            AppError::Conflict(m) => m.clone(),
            AppError::Throttled { seconds } => {
                let wait = if *seconds >= 120 {
                    format!("{} 分钟", (seconds + 59) / 60)
                } else {
                    format!("{seconds} 秒")
                };
                format!("登录失败次数过多，请 {wait}后再试；如急需登录，请联系管理员解除限制")
            }
            AppError::BadCredentials => "用户名或密码不正确".into(),
            AppError::Busy => "系统正忙（同时处理的文件较多），请稍等片刻再试".into(),
            AppError::Corrupt {
                table, id, column, ..
            } => format!(
                "记录已损坏，无法读取（{table} {id} 的 {column}）。请联系管理员：运行“jianguan audit verify”可查出改动"
            ),
            AppError::Internal { .. } => "系统出错了，请稍后再试；如仍不行，请联系管理员".into(),
        }
    }

    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(f) => Some(f),
            _ => None,
        }
    }

    /// An internal failure, with what was being done and why it failed (logged, never
    /// shown).
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        Self::bug(format!("{context}: {cause}"))
    }

    /// An internal failure caused by `source`, kept as the error's source.
    pub fn caused(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        AppError::Internal {
            context: context.into(),
            source: Some(Box::new(source)),
        }
    }

    /// An internal failure with no underlying error: a state the code should never meet.
    pub fn bug(context: impl Into<String>) -> Self {
        AppError::Internal {
            context: context.into(),
            source: None,
        }
    }

    /// A column of a stored row that does not read as its type.
    pub fn corrupt(
        table: &'static str,
        id: &str,
        column: &'static str,
        detail: impl std::fmt::Display,
    ) -> Self {
        AppError::Corrupt {
            table,
            id: id.into(),
            column,
            detail: detail.to_string(),
        }
    }

    /// The error and every cause under it, for the log: "context: cause: cause".
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            out.push_str(": ");
            out.push_str(&e.to_string());
            next = e.source();
        }
        out
    }

    /// Whether this is a failure of the system rather than of the request (logged with
    /// its cause, answered 500).
    pub fn is_internal(&self) -> bool {
        matches!(self, AppError::Internal { .. } | AppError::Corrupt { .. })
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut f = FieldErrors::new();
        f.add(field, message);
        AppError::Validation(f)
    }
}

/// What a person is told when what they acted on changed under them: the other click,
/// or a colleague, was first.
pub const TAKEN_BY_OTHERS: &str =
    "该记录已被他人处理（或刚刚更新），请刷新页面查看最新状态后再操作";

impl From<jianguan_store::StoreError> for AppError {
    fn from(e: jianguan_store::StoreError) -> Self {
        match e {
            jianguan_store::StoreError::Stale => AppError::Conflict(TAKEN_BY_OTHERS.into()),
            jianguan_store::StoreError::CorruptColumn {
                table,
                id,
                column,
                detail,
            } => AppError::Corrupt {
                table,
                id,
                column,
                detail,
            },
            e => AppError::caused("store", e),
        }
    }
}

impl From<jianguan_store::DbErr> for AppError {
    fn from(e: jianguan_store::DbErr) -> Self {
        AppError::caused("database", e)
    }
}

impl AppError {
    /// An uploaded workbook refused: every cell problem, in order, under the form's file
    /// `field`; counted as a rejected upload of `kind`.
    pub fn workbook(
        kind: &'static str,
        field: &str,
        errors: &[jianguan_documents::xlsx::CellError],
    ) -> Self {
        crate::metrics::global().rejected("xlsx", kind);
        let mut e = FieldErrors::new();
        e.add(
            field,
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("；"),
        );
        AppError::Validation(e)
    }
}

impl From<FieldErrors> for AppError {
    fn from(f: FieldErrors) -> Self {
        AppError::Validation(f)
    }
}
