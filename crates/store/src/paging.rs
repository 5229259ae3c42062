//! A long list paged along the index that orders it: by offset, or next to a row of it the
//! caller has seen (keyset paging), which costs the same on any page.

use crate::queries::{Paged, bounds};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};

/// The row a page starts next to, by its key: the last row of the page before it (下一页)
/// or the first row of the page after it (上一页).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    After(String),
    Before(String),
}

/// `q` in `order` (each column descending or not), or in its reverse.
fn ordered<E: EntityTrait>(q: Select<E>, order: &[(E::Column, bool)], reversed: bool) -> Select<E> {
    order.iter().fold(q, |q, &(column, desc)| {
        if desc != reversed {
            q.order_by_desc(column)
        } else {
            q.order_by_asc(column)
        }
    })
}

/// The rows strictly past `values` (a row's values of the order's columns) in `order`, or
/// strictly before them when `reversed`. The first column is bounded on both sides of the
/// comparison (`date <= d AND (date < d OR …)`), so the database seeks to the row along the
/// list's index instead of testing every row from the list's start; each next column
/// counts only where the ones before it are equal. No column of the order may be NULL.
fn past<C: ColumnTrait>(order: &[(C, bool)], values: &[Expr], reversed: bool) -> Condition {
    let (Some(&(column, desc)), Some(value)) = (order.first(), values.first()) else {
        // Nothing to compare (an order without columns): no row is past another.
        return Condition::any();
    };
    let down = desc != reversed;
    let strictly = if down {
        column.into_expr().lt(value.clone())
    } else {
        column.into_expr().gt(value.clone())
    };
    if order.len() == 1 {
        return Condition::all().add(strictly);
    }
    let at_least = if down {
        column.into_expr().lte(value.clone())
    } else {
        column.into_expr().gte(value.clone())
    };
    Condition::all()
        .add(at_least)
        .add(
            Condition::any()
                .add(strictly)
                .add(past(&order[1..], &values[1..], reversed)),
        )
}

/// One page of `q` in `order` (its last column a unique key, so that the order is total):
/// next to `cursor` when it names a row `q` selects, else at `offset`. `total` must count
/// exactly what `q` selects; it is returned with the page and places a page by offset.
///
/// Next to a cursor, the database seeks to the cursor's row along the list's index and
/// reads `limit` rows from there, as it reads the first page: every page costs the same
/// (the big county's middle page: see docs/performance.md). The cursor is looked up within
/// `q`, so a key the caller may not see pages by offset instead, telling nothing.
///
/// A page past the first by offset finds its rows' keys first, then reads only the rows
/// with those keys, in order: the first read walks the list's index alone (an `OFFSET`
/// skips index entries, not rows), and the second names nothing but the keys, so that the
/// database fetches them by key rather than walking the index again and testing each row
/// (SQLite's choice when the filter is repeated: 19 ms instead of 3 on a big county's last
/// page). A page nearer the end than the start is counted from the end in the reversed
/// order, so that no page walks more than half of the list.
pub async fn page_by_key<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    q: Select<E>,
    order: &[(E::Column, bool)],
    key: E::Column,
    (offset, limit): (u64, u64),
    cursor: Option<&Cursor>,
    total: u64,
) -> Result<Paged<E::Model>, DbErr>
where
    E::Model: Send + Sync + serde::de::DeserializeOwned,
{
    let (offset, limit) = bounds(offset, limit);
    if let Some(cursor) = cursor {
        let (id, reversed) = match cursor {
            Cursor::After(id) => (id, false),
            Cursor::Before(id) => (id, true),
        };
        // The cursor row's values as subqueries of the same statement (one round trip,
        // each evaluated once), looked up within `q`: a row outside it gives NULLs, and
        // so no rows.
        let row = q.clone().filter(key.eq(id.as_str()));
        let values: Vec<Expr> = order
            .iter()
            .map(|&(c, _)| Expr::from(row.clone().select_only().column(c).into_query()))
            .collect();
        // Read in one step, as the first page is: the index is walked for `limit` rows.
        let rows = ordered(
            q.clone().filter(past(order, &values, reversed)),
            order,
            reversed,
        );
        let mut items = crate::packed::all(conn, rows.limit(limit)).await?;
        if reversed {
            items.reverse();
        }
        if !items.is_empty() {
            return Ok(Paged { items, total });
        }
        // Nothing next to it: a row the caller may not see, or the list's end (which
        // the offset then finds too).
    }
    if offset == 0 {
        let items = crate::packed::all(conn, ordered(q, order, false).limit(limit)).await?;
        return Ok(Paged { items, total });
    }
    let end = Ord::min(offset.saturating_add(limit), total);
    let keys = if offset < total && total - end < offset {
        ordered(q, order, true)
            .offset(total - end)
            .limit(end - offset)
    } else {
        ordered(q, order, false).offset(offset).limit(limit)
    };
    let items = by_keys(conn, keys, order, key).await?;
    Ok(Paged { items, total })
}

/// The rows whose keys `keys` selects, in `order`.
async fn by_keys<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    keys: Select<E>,
    order: &[(E::Column, bool)],
    key: E::Column,
) -> Result<Vec<E::Model>, DbErr>
where
    E::Model: Send + Sync + serde::de::DeserializeOwned,
{
    let keys = keys.select_only().column(key).into_query();
    let rows = ordered(E::find().filter(key.in_subquery(keys)), order, false);
    crate::packed::all(conn, rows).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::inspection::{Column as C, Entity};
    use sea_orm::{DbBackend, QueryTrait};

    fn sql(order: &[(C, bool)], values: &[&str], reversed: bool) -> String {
        let values: Vec<Expr> = values.iter().map(|v| Expr::val(*v)).collect();
        Entity::find()
            .select_only()
            .column(C::Id)
            .filter(past(order, &values, reversed))
            .build(DbBackend::Sqlite)
            .to_string()
    }

    #[test]
    fn the_first_column_is_a_range_and_the_rest_count_only_where_it_is_equal() {
        let order = [(C::Date, true), (C::Id, true)];
        let after = sql(&order, &["2026-05-01", "b"], false);
        assert!(
            after.ends_with(
                r#"WHERE "inspections"."date" <= '2026-05-01' AND ("inspections"."date" < '2026-05-01' OR "inspections"."id" < 'b')"#
            ),
            "{after}"
        );
        let before = sql(&order, &["2026-05-01", "b"], true);
        assert!(
            before.ends_with(
                r#"WHERE "inspections"."date" >= '2026-05-01' AND ("inspections"."date" > '2026-05-01' OR "inspections"."id" > 'b')"#
            ),
            "{before}"
        );
    }

    #[test]
    fn mixed_directions_each_keep_their_own() {
        let order = [(C::ProjectId, false), (C::Date, true), (C::Id, true)];
        let after = sql(&order, &["p", "2026-05-01", "b"], false);
        assert!(
            after.ends_with(
                r#"WHERE "inspections"."project_id" >= 'p' AND ("inspections"."project_id" > 'p' OR ("inspections"."date" <= '2026-05-01' AND ("inspections"."date" < '2026-05-01' OR "inspections"."id" < 'b')))"#
            ),
            "{after}"
        );
    }
}
