//! Inspection tallies kept up to date by the database itself. The quota rules need no more
//! of most inspections than a count per project, month and kinds (`Tally` in the domain).
//! Counting 4 million inspections at every docket run costs seconds; keeping the counts as
//! inspections are written costs one small upsert per write. Triggers keep them, so every
//! path that writes inspections (use cases, import, plain SQL) keeps them right, inside
//! the same transaction.
//!
//! A tally row: county, project, month (its first day), kinds (the domain's `KindSet`
//! bits), how many, and the latest date counted in it (never lowered when one is taken
//! away: an upper bound). The docket on day D may use a month's count as it stands when
//! that latest date is on or before D; otherwise it counts that month itself.
//!
//! Which inspections are counted depends on the profile's minimum number of photos, kept
//! in `inspection_tally_basis`; `facts::align_tallies` rebuilds the counts when the profile
//! in force asks for another minimum. Also: a partial index for the inspections the rules
//! look at one by one, one by photo count for those short of photos, and one by date for
//! counting a month, so loading never reads through a county's whole year.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_tallies"
    }
}

/// Counted: live, done, with minutes and enough photos, no training class, not funds.
/// `r` is `NEW` or `OLD`; `trim` is the backend's whitespace trim.
pub(crate) fn countable(r: &str, trim: &str, min_photos: &str) -> String {
    format!(
        "{r}.voided_at IS NULL AND {r}.status <> 'planned' AND {r}.minutes IS NOT NULL \
         AND {trim}({r}.minutes) <> '' AND {r}.training_class_id IS NULL \
         AND {r}.kinds NOT LIKE '%\"funds\"%' AND {r}.photo_count >= {min_photos}"
    )
}

/// Never counted, whatever the minimum of photos: the partial index's predicate. Loading
/// repeats it word for word so that SQLite sees the index applies.
pub(crate) fn never_countable(trim: &str) -> String {
    format!(
        "(status = 'planned' OR minutes IS NULL OR {trim}(minutes) = '' \
         OR training_class_id IS NOT NULL OR kinds LIKE '%\"funds\"%')"
    )
}

/// The `KindSet` bits of a kinds column (a JSON array of kind codes); `find` is the
/// backend's substring search. The bits are `InspectionKind::bit`'s, which never change.
pub(crate) fn kind_bits(column: &str, find: &str) -> String {
    [
        ("construction", 1),
        ("operations", 2),
        ("training", 4),
        ("funds", 8),
        ("ad_hoc", 16),
    ]
    .iter()
    .map(|(code, bit)| {
        format!("(CASE WHEN {find}({column}, '\"{code}\"') > 0 THEN {bit} ELSE 0 END)")
    })
    .collect::<Vec<_>>()
    .join(" + ")
}

const BASIS: &str = "(SELECT min_photos FROM inspection_tally_basis WHERE id = 1)";

fn sqlite() -> Vec<String> {
    let key_old = format!(
        "county_code = OLD.county_code AND project_id = OLD.project_id \
         AND month = substr(OLD.date, 1, 8) || '01' AND kinds = {}",
        kind_bits("OLD.kinds", "instr")
    );
    let add = |when: &str| {
        format!(
            "INSERT INTO inspection_tallies (county_code, project_id, month, kinds, n, latest) \
             SELECT NEW.county_code, NEW.project_id, substr(NEW.date, 1, 8) || '01', {}, 1, NEW.date \
             WHERE {when} \
             ON CONFLICT (county_code, project_id, month, kinds) \
             DO UPDATE SET n = n + 1, latest = max(latest, excluded.latest);",
            kind_bits("NEW.kinds", "instr")
        )
    };
    let remove = |when: &str| {
        format!(
            "UPDATE inspection_tallies SET n = n - 1 WHERE {key_old} AND {when}; \
             DELETE FROM inspection_tallies WHERE {key_old} AND n <= 0;"
        )
    };
    let new = countable("NEW", "trim", BASIS);
    let old = countable("OLD", "trim", BASIS);
    vec![
        "CREATE TABLE inspection_tally_basis (id INTEGER PRIMARY KEY CHECK (id = 1), \
         min_photos INTEGER NOT NULL)"
            .into(),
        "CREATE TABLE inspection_tallies (county_code TEXT NOT NULL, project_id TEXT NOT NULL, \
         month TEXT NOT NULL, kinds INTEGER NOT NULL, n INTEGER NOT NULL, latest TEXT NOT NULL, \
         PRIMARY KEY (county_code, project_id, month, kinds)) WITHOUT ROWID"
            .into(),
        format!(
            "CREATE TRIGGER inspections_tally_insert AFTER INSERT ON inspections BEGIN {} END",
            add(&new)
        ),
        format!(
            "CREATE TRIGGER inspections_tally_delete AFTER DELETE ON inspections BEGIN {} END",
            remove(&old)
        ),
        format!(
            "CREATE TRIGGER inspections_tally_update AFTER UPDATE OF county_code, project_id, \
             kinds, date, status, minutes, photo_count, training_class_id, voided_at \
             ON inspections BEGIN {} {} END",
            remove(&old),
            add(&new)
        ),
        format!(
            "CREATE INDEX ix_inspections_listed ON inspections (county_code) \
             WHERE voided_at IS NULL AND {}",
            never_countable("trim")
        ),
        "CREATE INDEX ix_inspections_county_date ON inspections (county_code, date)".into(),
        "CREATE INDEX ix_inspections_county_photos ON inspections (county_code, photo_count)"
            .into(),
    ]
}

fn postgres() -> Vec<String> {
    let key = |r: &str| {
        format!(
            "county_code = {r}.county_code AND project_id = {r}.project_id \
             AND month = date_trunc('month', {r}.date)::date AND kinds = {}",
            kind_bits(&format!("{r}.kinds"), "strpos")
        )
    };
    vec![
        "CREATE TABLE inspection_tally_basis (id INTEGER PRIMARY KEY CHECK (id = 1), \
         min_photos BIGINT NOT NULL)"
            .into(),
        "CREATE TABLE inspection_tallies (county_code VARCHAR(6) NOT NULL, \
         project_id VARCHAR NOT NULL, month DATE NOT NULL, kinds INTEGER NOT NULL, \
         n BIGINT NOT NULL, latest DATE NOT NULL, \
         PRIMARY KEY (county_code, project_id, month, kinds))"
            .into(),
        format!(
            "CREATE FUNCTION inspection_tally() RETURNS trigger LANGUAGE plpgsql AS $$
             DECLARE basis bigint;
             BEGIN
               SELECT min_photos INTO basis FROM inspection_tally_basis WHERE id = 1;
               IF TG_OP IN ('UPDATE', 'DELETE') AND {old} THEN
                 UPDATE inspection_tallies SET n = n - 1 WHERE {key_old};
                 DELETE FROM inspection_tallies WHERE {key_old} AND n <= 0;
               END IF;
               IF TG_OP IN ('INSERT', 'UPDATE') AND {new} THEN
                 INSERT INTO inspection_tallies (county_code, project_id, month, kinds, n, latest)
                 VALUES (NEW.county_code, NEW.project_id, date_trunc('month', NEW.date)::date,
                         {new_bits}, 1, NEW.date)
                 ON CONFLICT (county_code, project_id, month, kinds)
                 DO UPDATE SET n = inspection_tallies.n + 1,
                               latest = GREATEST(inspection_tallies.latest, EXCLUDED.latest);
               END IF;
               RETURN NULL;
             END $$",
            old = countable("OLD", "btrim", "basis"),
            new = countable("NEW", "btrim", "basis"),
            key_old = key("OLD"),
            new_bits = kind_bits("NEW.kinds", "strpos"),
        ),
        "CREATE TRIGGER inspections_tally AFTER INSERT OR DELETE OR UPDATE OF county_code, \
         project_id, kinds, date, status, minutes, photo_count, training_class_id, voided_at \
         ON inspections FOR EACH ROW EXECUTE FUNCTION inspection_tally()"
            .into(),
        format!(
            "CREATE INDEX ix_inspections_listed ON inspections (county_code) \
             WHERE voided_at IS NULL AND {}",
            never_countable("btrim")
        ),
        "CREATE INDEX ix_inspections_county_date ON inspections (county_code, date)".into(),
        "CREATE INDEX ix_inspections_county_photos ON inspections (county_code, photo_count)"
            .into(),
    ]
}

/// Counts every inspection under `min_photos`: the migration's first count and every
/// recount for another profile.
pub(crate) fn recount(backend: DatabaseBackend, min_photos: u32) -> String {
    let (trim, find, month) = match backend {
        DatabaseBackend::Postgres => ("btrim", "strpos", "date_trunc('month', i.date)::date"),
        _ => ("trim", "instr", "substr(i.date, 1, 8) || '01'"),
    };
    let bits = kind_bits("i.kinds", find);
    format!(
        "INSERT INTO inspection_tallies (county_code, project_id, month, kinds, n, latest) \
         SELECT i.county_code, i.project_id, {month}, {bits}, count(*), max(i.date) \
         FROM inspections i WHERE {} GROUP BY i.county_code, i.project_id, {month}, {bits}",
        countable("i", trim, &min_photos.to_string())
    )
}

/// Counts every inspection already there, under the default minimum of one photo.
fn backfill(backend: DatabaseBackend) -> Vec<String> {
    vec![
        "INSERT INTO inspection_tally_basis (id, min_photos) VALUES (1, 1)".into(),
        recount(backend, 1),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let backend = m.get_database_backend();
        let mut statements = match backend {
            DatabaseBackend::Postgres => postgres(),
            _ => sqlite(),
        };
        statements.extend(backfill(backend));
        let db = m.get_connection();
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }
}
