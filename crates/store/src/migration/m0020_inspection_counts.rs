//! How many live inspections a county has, kept by the database as they are written, for
//! the inspections list's total: counting 50,000 index entries costs SQLite 3–4 ms on
//! every view of a big county's list, reading a few hundred kept counts ~0.1 ms. Kept by
//! triggers as the tallies are (m0007), so every path that writes inspections keeps them
//! (use cases, import, plain SQL), in the same transaction.
//!
//! A row: county, project, status, whether a contractor may see such an inspection
//! (announced, or no longer planned: an unannounced visit stays hidden until done), and
//! how many. Rows reaching zero are deleted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0020_inspection_counts"
    }
}

/// The columns of `inspections` the counts depend on.
const WATCHED: &str = "county_code, project_id, status, announced, voided_at";

/// Whether a contractor sees inspection `r`, as 0 or 1 on both backends.
fn shown(r: &str) -> String {
    format!("CASE WHEN {r}.announced OR {r}.status <> 'planned' THEN 1 ELSE 0 END")
}

fn key(r: &str) -> String {
    format!(
        "county_code = {r}.county_code AND project_id = {r}.project_id \
         AND status = {r}.status AND shown = {}",
        shown(r)
    )
}

fn sqlite() -> Vec<String> {
    let add = format!(
        "INSERT INTO inspection_counts (county_code, project_id, status, shown, n) \
         SELECT NEW.county_code, NEW.project_id, NEW.status, {}, 1 \
         WHERE NEW.voided_at IS NULL \
         ON CONFLICT (county_code, project_id, status, shown) DO UPDATE SET n = n + 1;",
        shown("NEW")
    );
    let key_old = key("OLD");
    let remove = format!(
        "UPDATE inspection_counts SET n = n - 1 WHERE {key_old} AND OLD.voided_at IS NULL; \
         DELETE FROM inspection_counts WHERE {key_old} AND n <= 0;"
    );
    vec![
        "CREATE TABLE inspection_counts (county_code TEXT NOT NULL, project_id TEXT NOT NULL, \
         status TEXT NOT NULL, shown INTEGER NOT NULL, n INTEGER NOT NULL, \
         PRIMARY KEY (county_code, project_id, status, shown)) WITHOUT ROWID"
            .into(),
        format!(
            "CREATE TRIGGER inspections_count_insert AFTER INSERT ON inspections BEGIN {add} END"
        ),
        format!(
            "CREATE TRIGGER inspections_count_delete AFTER DELETE ON inspections BEGIN {remove} END"
        ),
        format!(
            "CREATE TRIGGER inspections_count_update AFTER UPDATE OF {WATCHED} ON inspections \
             BEGIN {remove} {add} END"
        ),
    ]
}

fn postgres() -> Vec<String> {
    vec![
        "CREATE TABLE inspection_counts (county_code VARCHAR(6) NOT NULL, \
         project_id VARCHAR NOT NULL, status VARCHAR NOT NULL, shown INTEGER NOT NULL, \
         n BIGINT NOT NULL, PRIMARY KEY (county_code, project_id, status, shown))"
            .into(),
        format!(
            "CREATE FUNCTION inspection_count() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.voided_at IS NULL THEN
                 UPDATE inspection_counts SET n = n - 1 WHERE {key_old};
                 DELETE FROM inspection_counts WHERE {key_old} AND n <= 0;
               END IF;
               IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.voided_at IS NULL THEN
                 INSERT INTO inspection_counts (county_code, project_id, status, shown, n)
                 VALUES (NEW.county_code, NEW.project_id, NEW.status, {new_shown}, 1)
                 ON CONFLICT (county_code, project_id, status, shown)
                 DO UPDATE SET n = inspection_counts.n + 1;
               END IF;
               RETURN NULL;
             END $$",
            key_old = key("OLD"),
            new_shown = shown("NEW"),
        ),
        format!(
            "CREATE TRIGGER inspections_count AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} \
             ON inspections FOR EACH ROW EXECUTE FUNCTION inspection_count()"
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut statements = match m.get_database_backend() {
            DatabaseBackend::Postgres => postgres(),
            _ => sqlite(),
        };
        // The inspections already there.
        statements.push(format!(
            "INSERT INTO inspection_counts (county_code, project_id, status, shown, n) \
             SELECT i.county_code, i.project_id, i.status, {shown}, count(*) FROM inspections i \
             WHERE i.voided_at IS NULL GROUP BY i.county_code, i.project_id, i.status, {shown}",
            shown = shown("i")
        ));
        let db = m.get_connection();
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }
}
