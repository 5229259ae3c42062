//! Reads, always through a [`Scope`]: a query cannot forget the county or the contractor's
//! enterprise, because it cannot be called without them.

use crate::entity::{county, enterprise, programme, project, user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// What a caller may see: one county (or all, for a deployment administrator), and within
/// it one enterprise (contractor users) or all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub county: Option<String>,
    pub enterprise: Option<String>,
}

impl Scope {
    /// Everything: for the CLI and for administrators of a whole deployment.
    pub fn everything() -> Self {
        Self {
            county: None,
            enterprise: None,
        }
    }

    pub fn county(code: &str) -> Self {
        Self {
            county: Some(code.to_string()),
            enterprise: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Matches the name (and the USCC for enterprises).
    pub q: Option<String>,
    pub include_voided: bool,
    pub system: Option<String>,
    pub township: Option<String>,
    pub status: Option<String>,
    pub enterprise_id: Option<String>,
    pub programme_id: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
}

fn like(q: &str) -> String {
    let escaped: String = q
        .chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .collect();
    format!("%{escaped}%")
}

/// The most rows a page holds (a `limit` of 0 asks for the default, 50).
pub const PAGE_MAX: u64 = 500;
/// No list is paged further than this: an offset from a URL stays a number both databases
/// take (PostgreSQL's OFFSET is a signed 64-bit integer) and past it every page is empty.
pub const OFFSET_MAX: u64 = 100_000_000;

/// One page of an ordered query and how many rows it holds in all: the one way every list
/// is paged, with the size and the offset bounded whatever the caller asked.
pub async fn page<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    q: Select<E>,
    offset: u64,
    limit: u64,
) -> Result<Paged<E::Model>, DbErr>
where
    E::Model: Send + Sync + serde::de::DeserializeOwned,
{
    let total = q.clone().count(conn).await?;
    page_of(conn, q, offset, limit, total).await
}

/// [`page`] when the total is already known (a count the database keeps): only the page's
/// rows are read.
pub async fn page_of<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    q: Select<E>,
    offset: u64,
    limit: u64,
    total: u64,
) -> Result<Paged<E::Model>, DbErr>
where
    E::Model: Send + Sync + serde::de::DeserializeOwned,
{
    let (offset, limit) = bounds(offset, limit);
    let items = crate::packed::all(conn, q.offset(offset).limit(limit)).await?;
    Ok(Paged { items, total })
}

/// The offset and size a page is read with, whatever the caller asked.
pub(crate) fn bounds(offset: u64, limit: u64) -> (u64, u64) {
    let limit = if limit == 0 { 50 } else { limit.min(PAGE_MAX) };
    (offset.min(OFFSET_MAX), limit)
}

/// How many live inspections in `scope` have `status` and `project` (each when given),
/// from the counts the database keeps (m0020) rather than by counting them; `contractor`:
/// only those a contractor may see.
pub async fn inspection_total(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    status: Option<&str>,
    project: Option<&str>,
    contractor: bool,
) -> Result<u64, DbErr> {
    use crate::entity::inspection_count as c;
    use sea_orm::sea_query::Expr;
    let mut q = crate::scoped::find::<c::Entity>(scope);
    if let Some(s) = status {
        q = q.filter(c::Column::Status.eq(s));
    }
    if let Some(p) = project {
        q = q.filter(c::Column::ProjectId.eq(p));
    }
    if contractor {
        q = q.filter(c::Column::Shown.eq(1));
    }
    // SUM of a bigint is numeric on PostgreSQL: cast back for one decoding on both.
    let n: Option<i64> = q
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(n), 0) AS BIGINT)"), "n")
        .into_tuple()
        .one(conn)
        .await?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// A stored finding's severity as its rank in the docket's order (critical first, an
/// unknown code last), as SQL: the docket orders by it and the index m0021 keys on it, so
/// the two must stay the same text (a test checks the query plan uses the index).
pub const DOCKET_RANK: &str = "CASE severity WHEN 'critical' THEN 0 WHEN 'serious' THEN 1 \
     WHEN 'warning' THEN 2 WHEN 'info' THEN 3 ELSE 255 END";

/// The distinct teams (the `inspectors` JSON of an inspection) on live inspections dated
/// `from..=to` in `county` (None: every county), for the bureau's menu of inspectors. Each
/// county's teams are walked on the partial index m0021 made, one seek a team, and a team
/// is kept when one seek finds an inspection of it in the window: a year's inspections are
/// never read. Contractors' visibility is not applied: the bureau's view only.
pub async fn inspector_teams(
    conn: &impl ConnectionTrait,
    county: Option<&str>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<String>, DbErr> {
    let d = crate::facts::packed::Dialect::of(conn);
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut param = |v: sea_orm::Value| {
        values.push(v);
        d.param(values.len())
    };
    let which = match county {
        Some(c) => format!("WHERE c.code = {}", param(c.into())),
        None => String::new(),
    };
    let (from, to) = (param(from.into()), param(to.into()));
    // SQLite's planner, without statistics, may take the live-inspections index instead.
    let ix = d.indexed_by("ix_inspections_teams");
    let live = format!("FROM inspections i {ix} WHERE i.voided_at IS NULL AND i.county_code");
    let sql = format!(
        "WITH RECURSIVE t(county, team) AS ( \
           SELECT c.code, (SELECT min(i.inspectors) {live} = c.code) FROM counties c {which} \
           UNION ALL \
           SELECT t.county, (SELECT min(i.inspectors) {live} = t.county \
                             AND i.inspectors > t.team) \
           FROM t WHERE t.team IS NOT NULL) \
         SELECT DISTINCT team FROM t WHERE team IS NOT NULL AND EXISTS \
           (SELECT 1 {live} = t.county AND i.inspectors = t.team \
            AND i.date >= {from} AND i.date <= {to})"
    );
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            d.backend, sql, values,
        ))
        .await?;
    rows.iter().map(|r| r.try_get("", "team")).collect()
}

async fn paged<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    q: Select<E>,
    f: &ListFilter,
) -> Result<Paged<E::Model>, DbErr>
where
    E::Model: Send + Sync + serde::de::DeserializeOwned,
{
    page(conn, q, f.offset, f.limit).await
}

fn enterprise_scope(scope: &Scope) -> Condition {
    let mut c = Condition::all();
    if let Some(county) = &scope.county {
        c = c.add(enterprise::Column::CountyCode.eq(county.as_str()));
    }
    if let Some(e) = &scope.enterprise {
        c = c.add(enterprise::Column::Id.eq(e.as_str()));
    }
    c
}

fn project_scope(scope: &Scope) -> Condition {
    let mut c = Condition::all();
    if let Some(county) = &scope.county {
        c = c.add(project::Column::CountyCode.eq(county.as_str()));
    }
    if let Some(e) = &scope.enterprise {
        c = c.add(project::Column::EnterpriseId.eq(e.as_str()));
    }
    c
}

pub async fn enterprises(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    f: &ListFilter,
) -> Result<Paged<enterprise::Model>, DbErr> {
    let mut q = enterprise::Entity::find().filter(enterprise_scope(scope));
    if !f.include_voided {
        q = q.filter(enterprise::Column::VoidedAt.is_null());
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(enterprise::Column::Name.like(like(text)))
                .add(enterprise::Column::Uscc.like(like(&text.to_ascii_uppercase()))),
        );
    }
    paged(
        conn,
        q.order_by_asc(enterprise::Column::Name)
            .order_by_asc(enterprise::Column::Id),
        f,
    )
    .await
}

pub async fn enterprise(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    id: &str,
) -> Result<Option<enterprise::Model>, DbErr> {
    enterprise::Entity::find_by_id(id.to_string())
        .filter(enterprise_scope(scope))
        .one(conn)
        .await
}

/// Live (not voided) enterprises of a county with this USCC, to refuse duplicates.
pub async fn enterprises_with_uscc(
    conn: &impl ConnectionTrait,
    county: &str,
    uscc: &str,
) -> Result<Vec<enterprise::Model>, DbErr> {
    enterprise::Entity::find()
        .filter(enterprise::Column::CountyCode.eq(county))
        .filter(enterprise::Column::Uscc.eq(uscc))
        .filter(enterprise::Column::VoidedAt.is_null())
        .all(conn)
        .await
}

pub async fn projects(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    f: &ListFilter,
) -> Result<Paged<project::Model>, DbErr> {
    let mut q = project::Entity::find().filter(project_scope(scope));
    if !f.include_voided {
        q = q.filter(project::Column::VoidedAt.is_null());
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(project::Column::Name.like(like(text)));
    }
    if let Some(s) = &f.system {
        q = q.filter(project::Column::System.eq(s.as_str()));
    }
    if let Some(t) = &f.township {
        q = q.filter(project::Column::Township.eq(t.as_str()));
    }
    if let Some(s) = &f.status {
        q = q.filter(project::Column::Status.eq(s.as_str()));
    }
    if let Some(e) = &f.enterprise_id {
        q = q.filter(project::Column::EnterpriseId.eq(e.as_str()));
    }
    if let Some(p) = &f.programme_id {
        q = q.filter(project::Column::ProgrammeId.eq(p.as_str()));
    }
    paged(
        conn,
        q.order_by_asc(project::Column::System)
            .order_by_asc(project::Column::Name)
            .order_by_asc(project::Column::Id),
        f,
    )
    .await
}

/// The live projects' ids and names, in the order of [`projects`]: what a menu or a
/// list's project column needs, without reading whole projects (300 on a big county).
pub async fn project_names(
    conn: &impl ConnectionTrait,
    scope: &Scope,
) -> Result<Vec<(String, String)>, DbErr> {
    let q = project::Entity::find()
        .filter(project_scope(scope))
        .filter(project::Column::VoidedAt.is_null())
        .order_by_asc(project::Column::System)
        .order_by_asc(project::Column::Name)
        .order_by_asc(project::Column::Id);
    crate::packed::columns(conn, q, &[project::Column::Id, project::Column::Name]).await
}

pub async fn project(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    id: &str,
) -> Result<Option<project::Model>, DbErr> {
    project::Entity::find_by_id(id.to_string())
        .filter(project_scope(scope))
        .one(conn)
        .await
}

/// Programmes are county records; a contractor sees the programme its projects belong to.
pub async fn programmes(
    conn: &impl ConnectionTrait,
    scope: &Scope,
) -> Result<Vec<programme::Model>, DbErr> {
    let mut q = programme::Entity::find().filter(programme::Column::VoidedAt.is_null());
    if let Some(county) = &scope.county {
        q = q.filter(programme::Column::CountyCode.eq(county.as_str()));
    }
    q.order_by_desc(programme::Column::PeriodStart)
        .all(conn)
        .await
}

/// What every page's header shows, in one round trip: the county's name, the newest live
/// programme's name (within the scope) and how many of the user's notifications are unread.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Banner {
    pub county: Option<String>,
    pub programme: Option<String>,
    pub unread: u64,
}

pub async fn banner(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    user_id: &str,
) -> Result<Banner, DbErr> {
    let backend = conn.get_database_backend();
    let p = |i: usize| {
        if backend == sea_orm::DatabaseBackend::Postgres {
            format!("${i}")
        } else {
            "?".into()
        }
    };
    let (county, in_county, values) = match &scope.county {
        Some(c) => (
            format!("(SELECT name FROM counties WHERE code = {})", p(1)),
            format!("AND county_code = {}", p(2)),
            vec![c.as_str().into(), c.as_str().into(), user_id.into()],
        ),
        None => ("NULL".to_string(), String::new(), vec![user_id.into()]),
    };
    let user = p(values.len());
    let sql = format!(
        "SELECT {county} AS county, \
         (SELECT name FROM programmes WHERE voided_at IS NULL {in_county} \
          ORDER BY period_start DESC LIMIT 1) AS programme, \
         (SELECT count(*) FROM notifications WHERE user_id = {user} AND read_at IS NULL) AS unread"
    );
    let Some(row) = conn
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .await?
    else {
        return Ok(Banner::default());
    };
    Ok(Banner {
        county: row.try_get("", "county")?,
        programme: row.try_get("", "programme")?,
        unread: row.try_get::<i64>("", "unread")?.max(0) as u64,
    })
}

pub async fn programme(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    id: &str,
) -> Result<Option<programme::Model>, DbErr> {
    let mut q = programme::Entity::find_by_id(id.to_string());
    if let Some(county) = &scope.county {
        q = q.filter(programme::Column::CountyCode.eq(county.as_str()));
    }
    q.one(conn).await
}

pub async fn counties(
    conn: &impl ConnectionTrait,
    scope: &Scope,
) -> Result<Vec<county::Model>, DbErr> {
    let mut q = county::Entity::find();
    if let Some(code) = &scope.county {
        q = q.filter(county::Column::Code.eq(code.as_str()));
    }
    q.order_by_asc(county::Column::Code).all(conn).await
}

/// County names by code, for the given codes only.
pub async fn county_names(
    conn: &impl ConnectionTrait,
    codes: &[String],
) -> Result<std::collections::HashMap<String, String>, DbErr> {
    let mut out = std::collections::HashMap::new();
    let mut codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    codes.sort_unstable();
    codes.dedup();
    for chunk in codes.chunks(500) {
        for c in county::Entity::find()
            .filter(county::Column::Code.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            out.insert(c.code, c.name);
        }
    }
    Ok(out)
}

pub async fn county(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<county::Model>, DbErr> {
    county::Entity::find_by_id(code.to_string()).one(conn).await
}

/// How many live projects of the county lie in each of `townships`: a township still used
/// must not vanish from the county's list.
pub async fn projects_in_townships(
    conn: &impl ConnectionTrait,
    county: &str,
    townships: &[String],
) -> Result<Vec<(String, u64)>, DbErr> {
    let mut out = Vec::new();
    for t in townships {
        let n = project::Entity::find()
            .filter(project::Column::CountyCode.eq(county))
            .filter(project::Column::Township.eq(t.as_str()))
            .filter(project::Column::VoidedAt.is_null())
            .count(conn)
            .await?;
        if n > 0 {
            out.push((t.clone(), n));
        }
    }
    Ok(out)
}

/// Enterprise names by id, for lists that show them beside projects.
pub async fn enterprise_names(
    conn: &impl ConnectionTrait,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = enterprise::Entity::find()
        .filter(enterprise::Column::Id.is_in(ids.iter().map(String::as_str)))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|e| (e.id, e.name)).collect())
}

/// Decided and withdrawn sanctions of the given kinds, newest first: the public notice
/// board of every county, which anyone may read.
pub async fn public_sanctions(
    conn: &impl ConnectionTrait,
    kinds: &[&str],
) -> Result<Vec<crate::entity::sanction::Model>, DbErr> {
    use crate::entity::sanction;
    sanction::Entity::find()
        .filter(sanction::Column::Kind.is_in(kinds.iter().copied()))
        .filter(sanction::Column::State.is_in(["decided", "withdrawn"]))
        .order_by_desc(sanction::Column::DecidedOn)
        .order_by_desc(sanction::Column::Id)
        .all(conn)
        .await
}

pub async fn user_by_username(
    conn: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(conn)
        .await
}

/// A credential's row (a session or an API token) and its user, read in one round trip:
/// every request that carries one needs both.
pub async fn credential_with_user<E>(
    conn: &impl ConnectionTrait,
    key: E::Column,
    value: &str,
    user_id: E::Column,
) -> Result<Option<(E::Model, Option<user::Model>)>, DbErr>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let to_user: sea_orm::RelationDef = E::belongs_to(user::Entity)
        .from(user_id)
        .to(user::Column::Id)
        .into();
    E::find()
        .filter(key.eq(value))
        .select_also(user::Entity)
        .join(sea_orm::JoinType::LeftJoin, to_user)
        .one(conn)
        .await
}

pub async fn user_by_id(
    conn: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id.to_string()).one(conn).await
}

pub async fn users(conn: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<user::Model>, DbErr> {
    let mut q = user::Entity::find();
    if let Some(county) = &scope.county {
        q = q.filter(user::Column::CountyCode.eq(county.as_str()));
    }
    if let Some(e) = &scope.enterprise {
        q = q.filter(user::Column::EnterpriseId.eq(e.as_str()));
    }
    q.order_by_asc(user::Column::Username).all(conn).await
}

/// Counts of rows per table, for the overview and for tests that assert nothing changed.
pub async fn table_counts(conn: &impl ConnectionTrait) -> Result<Vec<(&'static str, u64)>, DbErr> {
    Ok(vec![
        ("counties", county::Entity::find().count(conn).await?),
        ("programmes", programme::Entity::find().count(conn).await?),
        ("enterprises", enterprise::Entity::find().count(conn).await?),
        ("projects", project::Entity::find().count(conn).await?),
        ("users", user::Entity::find().count(conn).await?),
        (
            "audit_log",
            crate::entity::audit_log::Entity::find().count(conn).await?,
        ),
    ])
}

/// The audit rows of one record, newest first.
pub async fn audit_for(
    conn: &impl ConnectionTrait,
    entity: &str,
    id: &str,
) -> Result<Vec<crate::entity::audit_log::Model>, DbErr> {
    use crate::entity::audit_log;
    audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(entity))
        .filter(audit_log::Column::EntityId.eq(id))
        .order_by_desc(audit_log::Column::Seq)
        .limit(200)
        .all(conn)
        .await
}

/// The audit rows from `seq` on, in order (at most 10,000: for checks and tests).
pub async fn audit_from(
    conn: &impl ConnectionTrait,
    seq: i64,
) -> Result<Vec<crate::entity::audit_log::Model>, DbErr> {
    use crate::entity::audit_log;
    audit_log::Entity::find()
        .filter(audit_log::Column::Seq.gte(seq))
        .order_by_asc(audit_log::Column::Seq)
        .limit(10_000)
        .all(conn)
        .await
}

/// The county's live projects as the public may name them in a tip-off: id and name.
pub async fn public_projects(
    conn: &impl ConnectionTrait,
    county: &str,
) -> Result<Vec<(String, String)>, DbErr> {
    Ok(project::Entity::find()
        .filter(project::Column::CountyCode.eq(county))
        .filter(project::Column::VoidedAt.is_null())
        .order_by_asc(project::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}
