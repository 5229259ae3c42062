//! Inspections, by far the most numerous facts (4 million a year in the nation). The
//! quota rules only count most of them; the database keeps those counts, and a narrow copy
//! of the few inspections the rules look at one by one, as inspections are written
//! (`inspection_tallies`, `inspection_singles`, migration m0007). Loading reads those two;
//! the base table only for a month whose count holds days after the as-of date, or when
//! the counts were kept for another minimum of photos.

use super::at;
use super::packed::{self, Dialect, Flag};
use crate::StoreError;
use crate::migration::m0007_tallies::{countable, kind_bits, recount};
use chrono::{Datelike, NaiveDate};
use jianguan_domain::dates::wire::Day;
use jianguan_domain::rules::facts::{self as f, Facts, InspectionKind, KindSet};
use sea_orm::{ConnectionTrait, Statement, Value as V};
use std::collections::HashMap;

/// One inspection as packed: id, project, kinds, date, status, training class,
/// disbursement, has minutes, photo count.
type Packed = (
    String,
    String,
    Vec<InspectionKind>,
    Day,
    String,
    Option<String>,
    Option<String>,
    Flag,
    i64,
);

/// One count as packed: project, month, kinds, how many, latest date counted.
type Count = (String, Day, KindSet, i64, Day);

/// The columns of [`Packed`]; `has_minutes` is a column of the narrow copy, an expression
/// over `minutes` in the base table.
fn columns(d: Dialect, has_minutes: String) -> [String; 9] {
    [
        "id".into(),
        "project_id".into(),
        d.json("kinds"),
        "date".into(),
        "status".into(),
        "training_class_id".into(),
        "disbursement_id".into(),
        has_minutes,
        "photo_count".into(),
    ]
}

/// `county_code IN (…)` with its values, parameters numbered from 1.
fn in_counties(d: Dialect, counties: &[String]) -> (String, Vec<V>) {
    (
        format!("county_code IN ({})", d.params(1, counties.len())),
        counties.iter().map(|c| V::from(c.as_str())).collect(),
    )
}

/// The minimum of photos the maintained tallies were counted with.
pub async fn tally_basis(conn: &impl ConnectionTrait) -> Result<Option<u32>, StoreError> {
    let d = Dialect::of(conn);
    let row = conn
        .query_one_raw(Statement::from_string(
            d.backend,
            "SELECT min_photos FROM inspection_tally_basis WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(r) => u32::try_from(r.try_get::<i64>("", "min_photos")?).ok(),
        None => None,
    })
}

/// Recounts the maintained tallies for another minimum of photos (a profile asking for a
/// different one). One transaction: the docket never sees half the counts. Returns
/// whether anything had to change.
pub async fn align_tallies(
    conn: &sea_orm::DatabaseConnection,
    min_photos: u32,
) -> Result<bool, StoreError> {
    use sea_orm::TransactionTrait;
    let txn = conn.begin().await?;
    if tally_basis(&txn).await? == Some(min_photos) {
        txn.commit().await?;
        return Ok(false);
    }
    let mut statements = vec![
        format!("UPDATE inspection_tally_basis SET min_photos = {min_photos} WHERE id = 1"),
        "DELETE FROM inspection_tallies".to_string(),
        "DELETE FROM inspection_singles".to_string(),
    ];
    statements.extend(recount(txn.get_database_backend(), min_photos));
    for sql in statements {
        txn.execute_unprepared(&sql).await?;
    }
    txn.commit().await?;
    Ok(true)
}

pub(super) async fn load(
    conn: &impl ConnectionTrait,
    counties: &[String],
    tally: Option<f::Tally>,
    by_county: &mut HashMap<String, Facts>,
) -> Result<(), StoreError> {
    if counties.is_empty() {
        return Ok(());
    }
    match tally {
        None => list(conn, counties, "", vec![], by_county).await?,
        Some(t) if tally_basis(conn).await? == Some(t.min_photos) => {
            maintained(conn, counties, t, by_county).await?
        }
        // Counted with another minimum of photos: count here (slower, just as right).
        Some(t) => counted_here(conn, counties, t, by_county).await?,
    }
    for facts in by_county.values_mut() {
        facts.inspections.sort_by(|a, b| a.id.cmp(&b.id));
        facts.inspection_tallies.sort();
    }
    Ok(())
}

/// Inspections of `counties` that also meet `condition` (SQL starting with AND, its
/// parameters numbered after the counties'), one by one.
async fn list(
    conn: &impl ConnectionTrait,
    counties: &[String],
    condition: &str,
    extra: Vec<V>,
    by_county: &mut HashMap<String, Facts>,
) -> Result<(), StoreError> {
    let d = Dialect::of(conn);
    let (within, mut values) = in_counties(d, counties);
    values.extend(extra);
    let has_minutes = format!("(minutes IS NOT NULL AND {}(minutes) <> '')", d.trim());
    let columns = columns(d, has_minutes);
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let from = format!("inspections WHERE {within} AND voided_at IS NULL {condition}");
    let packed = packed::query(conn, "inspections", &columns, &from, values).await?;
    push_listed(by_county, packed);
    Ok(())
}

fn push_listed(by_county: &mut HashMap<String, Facts>, packed: Vec<(String, Vec<Packed>)>) {
    for (county, items) in packed {
        let facts = at(by_county, &county);
        for (id, project_id, kinds, date, status, training, disbursement, minutes, photos) in items
        {
            facts.inspections.push(f::Inspection {
                id,
                project_id,
                kinds,
                date: date.0,
                done: status != "planned",
                training_class_id: training,
                disbursement_id: disbursement,
                has_minutes: minutes.0,
                photo_count: u32::try_from(photos).unwrap_or(0),
            });
        }
    }
}

fn push_counts(
    by_county: &mut HashMap<String, Facts>,
    packed: Vec<(String, Vec<Count>)>,
) -> Result<(), StoreError> {
    for (county, counts) in packed {
        let facts = at(by_county, &county);
        for (project_id, month, kinds, n, _latest) in counts {
            facts.inspection_tallies.push(f::InspectionTally {
                project_id,
                month: month.0,
                kinds,
                count: u32::try_from(n).map_err(|_| {
                    StoreError::Corrupt(format!("inspection_tallies: count {n} of {county}"))
                })?,
            });
        }
    }
    Ok(())
}

/// Counts countable inspections dated from `from` to `as_of` in the database, now.
async fn count_now(
    conn: &impl ConnectionTrait,
    counties: &[String],
    t: f::Tally,
    from: Option<NaiveDate>,
) -> Result<Vec<(String, Vec<Count>)>, StoreError> {
    let d = Dialect::of(conn);
    let n = counties.len();
    let (within, mut values) = in_counties(d, counties);
    values.push(V::from(t.as_of));
    let (index, since) = match from {
        Some(from) => {
            values.push(V::from(from));
            (
                d.indexed_by("ix_inspections_county_date"),
                format!("AND date >= {}", d.param(n + 2)),
            )
        }
        None => (String::new(), String::new()),
    };
    let month = d.month("i.date");
    let bits = kind_bits("i.kinds", d.find());
    packed::query::<Count>(
        conn,
        "inspections",
        &["project_id", "month", "kinds", "n", "latest"],
        &format!(
            "(SELECT county_code, project_id, {month} AS month, {bits} AS kinds, \
             count(*) AS n, max(date) AS latest FROM inspections i {index} \
             WHERE {within} AND date <= {p} {since} AND {} \
             GROUP BY county_code, project_id, {month}, {bits}) AS counted",
            countable("i", d.trim(), &t.min_photos.to_string()),
            p = d.param(n + 1),
        ),
        values,
    )
    .await
}

/// Inspections the rules look at one by one, as the database keeps them apart.
async fn singles(
    conn: &impl ConnectionTrait,
    counties: &[String],
    t: f::Tally,
    by_county: &mut HashMap<String, Facts>,
) -> Result<(), StoreError> {
    let d = Dialect::of(conn);
    let (within, mut values) = in_counties(d, counties);
    values.push(V::from(t.as_of));
    let columns = columns(d, "has_minutes".into());
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let from = format!(
        "inspection_singles WHERE {within} AND date <= {}",
        d.param(counties.len() + 1)
    );
    let packed = packed::query(conn, "inspection_singles", &columns, &from, values).await?;
    push_listed(by_county, packed);
    Ok(())
}

/// The counts the database keeps, up to `as_of`'s month. A month whose count may hold
/// inspections dated after `as_of` (its latest date is later) is counted here instead,
/// which on the daily run, `as_of` being today, is seldom.
async fn maintained(
    conn: &impl ConnectionTrait,
    counties: &[String],
    t: f::Tally,
    by_county: &mut HashMap<String, Facts>,
) -> Result<(), StoreError> {
    singles(conn, counties, t, by_county).await?;
    let d = Dialect::of(conn);
    let (within, mut values) = in_counties(d, counties);
    values.push(V::from(t.as_of));
    let kept = packed::query::<Count>(
        conn,
        "inspection_tallies",
        &["project_id", "month", "kinds", "n", "latest"],
        &format!(
            "inspection_tallies WHERE {within} AND month <= {}",
            d.param(counties.len() + 1)
        ),
        values,
    )
    .await?;
    let month_start = t.as_of.with_day(1).unwrap_or(t.as_of);
    let mut recount = Vec::new();
    let mut usable = Vec::with_capacity(kept.len());
    for (county, mut counts) in kept {
        if counts
            .iter()
            .any(|(_, month, _, _, latest)| month.0 == month_start && latest.0 > t.as_of)
        {
            counts.retain(|(_, month, ..)| month.0 < month_start);
            recount.push(county.clone());
        }
        usable.push((county, counts));
    }
    push_counts(by_county, usable)?;
    if !recount.is_empty() {
        let counts = count_now(conn, &recount, t, Some(month_start)).await?;
        push_counts(by_county, counts)?;
    }
    Ok(())
}

/// Without maintained counts for this minimum of photos: the database counts every
/// inspection up to `as_of` now (slower, just as right).
async fn counted_here(
    conn: &impl ConnectionTrait,
    counties: &[String],
    t: f::Tally,
    by_county: &mut HashMap<String, Facts>,
) -> Result<(), StoreError> {
    let d = Dialect::of(conn);
    list(
        conn,
        counties,
        &format!(
            "AND status <> 'planned' AND date <= {} AND NOT ({})",
            d.param(counties.len() + 1),
            countable("inspections", d.trim(), &t.min_photos.to_string())
        ),
        vec![V::from(t.as_of)],
        by_county,
    )
    .await?;
    let counts = count_now(conn, counties, t, None).await?;
    push_counts(by_county, counts)
}
