//! Deployment-wide duplicate detection (一（四）): a province's platform must catch the
//! invoice claimed in two counties. Each county's facts receive the other counties'
//! invoices that match one of its own — the same code and number, or the same seller,
//! amount and date, compared normalised — with the other county's name and nothing else
//! of the claim.

use super::invoice_keys::{self, keys_of};
use super::packed::{self, Dialect};
use crate::StoreError;
use jianguan_domain::rules::facts::{Facts, Invoice, InvoiceElsewhere};
use sea_orm::{ConnectionTrait, Statement, Value};
use std::collections::{HashMap, HashSet};

/// A claim as the comparison needs it: when it was known, and its invoices.
#[derive(serde::Deserialize)]
struct Claimed {
    #[serde(deserialize_with = "jianguan_domain::dates::wire::date")]
    submitted_on: chrono::NaiveDate,
    invoices: Vec<Invoice>,
}

/// Fills `invoices_elsewhere` of every county in `by_county` from the claims of every other
/// county: those already loaded, and one query for the claims outside the set that share
/// a key with one inside it (found by [`invoice_keys`], so a county reads only its
/// invoices' namesakes, not the deployment's claims).
pub(super) async fn fill(
    conn: &impl ConnectionTrait,
    by_county: &mut HashMap<String, Facts>,
) -> Result<(), StoreError> {
    if by_county.values().all(|f| f.subsidy_claims.is_empty()) {
        return Ok(());
    }
    let d = Dialect::of(conn);
    let inside: Vec<&String> = by_county.keys().collect();
    let n = inside.len();
    let from = format!(
        "subsidy_claims WHERE county_code NOT IN ({}) AND voided_at IS NULL AND id IN \
         (SELECT o.claim_id FROM {table} o JOIN {table} m ON m.invoice_key = o.invoice_key \
          WHERE m.county_code IN ({}))",
        d.params(1, n),
        d.params(n + 1, n),
        table = invoice_keys::TABLE,
    );
    let values = inside
        .iter()
        .chain(&inside)
        .map(|c| Value::from(c.as_str()))
        .collect();
    let outside: Vec<(String, Vec<Claimed>)> = packed::query(
        conn,
        "subsidy_claims",
        &["submitted_on", &d.json("invoices")],
        &from,
        values,
    )
    .await?;

    // Every invoice of the deployment by its keys, with its county and day.
    let mut index: HashMap<String, Vec<(&str, chrono::NaiveDate, &Invoice)>> = HashMap::new();
    let loaded = by_county.iter().flat_map(|(county, f)| {
        f.subsidy_claims
            .iter()
            .map(move |c| (county.as_str(), c.submitted_on, &c.invoices))
    });
    let other = outside.iter().flat_map(|(county, cs)| {
        cs.iter()
            .map(move |c| (county.as_str(), c.submitted_on, &c.invoices))
    });
    for (county, on, invoices) in loaded.chain(other) {
        for inv in invoices {
            for k in keys_of(inv) {
                index.entry(k).or_default().push((county, on, inv));
            }
        }
    }
    let names = county_names(conn).await?;
    let mut found: HashMap<String, Vec<InvoiceElsewhere>> = HashMap::new();
    for (county, f) in by_county.iter() {
        let mut mine = Vec::new();
        // Each invoice elsewhere once, though both its keys find it (a set: a copied
        // deployment matches thousands, and comparing each with the list was quadratic).
        let mut taken = HashSet::new();
        for c in &f.subsidy_claims {
            for inv in &c.invoices {
                for k in keys_of(inv) {
                    for (other, on, theirs) in index.get(&k).into_iter().flatten() {
                        if *other == county.as_str() {
                            continue;
                        }
                        // As the county is named: two counties of one name are one.
                        let name = names.get(*other).map_or(*other, String::as_str);
                        let i: &Invoice = theirs;
                        let same = (
                            name,
                            *on,
                            (&i.code, &i.number, &i.seller, &i.buyer),
                            (i.amount_fen, i.date, i.tax_fen),
                        );
                        if taken.insert(same) {
                            mine.push(InvoiceElsewhere {
                                county: name.to_string(),
                                submitted_on: *on,
                                invoice: i.clone(),
                            });
                        }
                    }
                }
            }
        }
        if !mine.is_empty() {
            found.insert(county.clone(), mine);
        }
    }
    for (county, mut mine) in found {
        mine.sort_by(|a, b| {
            (
                &a.county,
                a.submitted_on,
                &a.invoice.code,
                &a.invoice.number,
            )
                .cmp(&(
                    &b.county,
                    b.submitted_on,
                    &b.invoice.code,
                    &b.invoice.number,
                ))
        });
        if let Some(f) = by_county.get_mut(&county) {
            f.invoices_elsewhere = mine;
        }
    }
    Ok(())
}

async fn county_names(conn: &impl ConnectionTrait) -> Result<HashMap<String, String>, StoreError> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT code, name FROM counties",
        ))
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        out.insert(
            r.try_get::<String>("", "code")?,
            r.try_get::<String>("", "name")?,
        );
    }
    Ok(out)
}
