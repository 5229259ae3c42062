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
//! in force asks for another minimum.
//!
//! The inspections the rules read one by one (funds, training, missing evidence: about one
//! in fifteen) are copied, in the few columns the rules read, to `inspection_singles`, kept
//! by the same triggers and clustered by county: reading them out of the wide inspection
//! rows costs a page lookup each. An index by date lets a month be counted afresh.

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

/// Read one by one by the rules: live, done, and not counted.
pub(crate) fn single(r: &str, trim: &str, min_photos: &str) -> String {
    format!(
        "{r}.voided_at IS NULL AND {r}.status <> 'planned' AND NOT ({})",
        countable(r, trim, min_photos)
    )
}

/// The kinds of an inspection as `KindSet` bits (a JSON array of kind codes in `column`);
/// `find` is the backend's substring search. The bits are `InspectionKind::bit`'s, which
/// never change.
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

/// The columns of `inspection_singles`.
const SINGLE_COLUMNS: &str = "county_code, id, project_id, kinds, date, status, \
                              training_class_id, disbursement_id, has_minutes, photo_count";

/// What fills them from an inspection `r`.
fn single_values(r: &str, trim: &str) -> String {
    format!(
        "{r}.county_code, {r}.id, {r}.project_id, {r}.kinds, {r}.date, {r}.status, \
         {r}.training_class_id, {r}.disbursement_id, \
         ({r}.minutes IS NOT NULL AND {trim}({r}.minutes) <> ''), {r}.photo_count"
    )
}

/// The columns of `inspections` the two derived tables depend on.
const WATCHED: &str = "county_code, project_id, kinds, date, status, minutes, photo_count, \
                       training_class_id, disbursement_id, voided_at";

const BASIS: &str = "(SELECT min_photos FROM inspection_tally_basis WHERE id = 1)";

fn sqlite() -> Vec<String> {
    let key_old = format!(
        "county_code = OLD.county_code AND project_id = OLD.project_id \
         AND month = substr(OLD.date, 1, 8) || '01' AND kinds = {}",
        kind_bits("OLD.kinds", "instr")
    );
    let add = format!(
        "INSERT INTO inspection_tallies (county_code, project_id, month, kinds, n, latest) \
         SELECT NEW.county_code, NEW.project_id, substr(NEW.date, 1, 8) || '01', {}, 1, NEW.date \
         WHERE {} \
         ON CONFLICT (county_code, project_id, month, kinds) \
         DO UPDATE SET n = n + 1, latest = max(latest, excluded.latest); \
         INSERT INTO inspection_singles ({SINGLE_COLUMNS}) SELECT {} WHERE {};",
        kind_bits("NEW.kinds", "instr"),
        countable("NEW", "trim", BASIS),
        single_values("NEW", "trim"),
        single("NEW", "trim", BASIS),
    );
    let remove = format!(
        "UPDATE inspection_tallies SET n = n - 1 WHERE {key_old} AND {}; \
         DELETE FROM inspection_tallies WHERE {key_old} AND n <= 0; \
         DELETE FROM inspection_singles WHERE county_code = OLD.county_code AND id = OLD.id;",
        countable("OLD", "trim", BASIS)
    );
    vec![
        "CREATE TABLE inspection_tally_basis (id INTEGER PRIMARY KEY CHECK (id = 1), \
         min_photos INTEGER NOT NULL)"
            .into(),
        "CREATE TABLE inspection_tallies (county_code TEXT NOT NULL, project_id TEXT NOT NULL, \
         month TEXT NOT NULL, kinds INTEGER NOT NULL, n INTEGER NOT NULL, latest TEXT NOT NULL, \
         PRIMARY KEY (county_code, project_id, month, kinds)) WITHOUT ROWID"
            .into(),
        "CREATE TABLE inspection_singles (county_code TEXT NOT NULL, id TEXT NOT NULL, \
         project_id TEXT NOT NULL, kinds TEXT NOT NULL, date TEXT NOT NULL, status TEXT NOT NULL, \
         training_class_id TEXT, disbursement_id TEXT, has_minutes INTEGER NOT NULL, \
         photo_count INTEGER NOT NULL, PRIMARY KEY (county_code, id)) WITHOUT ROWID"
            .into(),
        format!(
            "CREATE TRIGGER inspections_tally_insert AFTER INSERT ON inspections BEGIN {add} END"
        ),
        format!(
            "CREATE TRIGGER inspections_tally_delete AFTER DELETE ON inspections BEGIN {remove} END"
        ),
        format!(
            "CREATE TRIGGER inspections_tally_update AFTER UPDATE OF {WATCHED} \
             ON inspections BEGIN {remove} {add} END"
        ),
        "CREATE INDEX ix_inspections_county_date ON inspections (county_code, date)".into(),
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
        "CREATE TABLE inspection_singles (county_code VARCHAR(6) NOT NULL, id VARCHAR NOT NULL, \
         project_id VARCHAR NOT NULL, kinds TEXT NOT NULL, date DATE NOT NULL, \
         status VARCHAR NOT NULL, training_class_id VARCHAR, disbursement_id VARCHAR, \
         has_minutes BOOLEAN NOT NULL, photo_count BIGINT NOT NULL, \
         PRIMARY KEY (county_code, id))"
            .into(),
        format!(
            "CREATE FUNCTION inspection_tally() RETURNS trigger LANGUAGE plpgsql AS $$
             DECLARE basis bigint;
             BEGIN
               SELECT min_photos INTO basis FROM inspection_tally_basis WHERE id = 1;
               IF TG_OP IN ('UPDATE', 'DELETE') THEN
                 IF {old} THEN
                   UPDATE inspection_tallies SET n = n - 1 WHERE {key_old};
                   DELETE FROM inspection_tallies WHERE {key_old} AND n <= 0;
                 END IF;
                 DELETE FROM inspection_singles WHERE county_code = OLD.county_code AND id = OLD.id;
               END IF;
               IF TG_OP IN ('INSERT', 'UPDATE') THEN
                 IF {new} THEN
                   INSERT INTO inspection_tallies (county_code, project_id, month, kinds, n, latest)
                   VALUES (NEW.county_code, NEW.project_id, date_trunc('month', NEW.date)::date,
                           {new_bits}, 1, NEW.date)
                   ON CONFLICT (county_code, project_id, month, kinds)
                   DO UPDATE SET n = inspection_tallies.n + 1,
                                 latest = GREATEST(inspection_tallies.latest, EXCLUDED.latest);
                 ELSIF {new_single} THEN
                   INSERT INTO inspection_singles ({SINGLE_COLUMNS}) VALUES ({new_values});
                 END IF;
               END IF;
               RETURN NULL;
             END $$",
            old = countable("OLD", "btrim", "basis"),
            new = countable("NEW", "btrim", "basis"),
            new_single = single("NEW", "btrim", "basis"),
            new_values = single_values("NEW", "btrim"),
            key_old = key("OLD"),
            new_bits = kind_bits("NEW.kinds", "strpos"),
        ),
        format!(
            "CREATE TRIGGER inspections_tally AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} \
             ON inspections FOR EACH ROW EXECUTE FUNCTION inspection_tally()"
        ),
        "CREATE INDEX ix_inspections_county_date ON inspections (county_code, date)".into(),
    ]
}

/// Counts, and copies out the singles of, every inspection under `min_photos`: the
/// migration's first count and every recount for another profile (into empty tables).
pub(crate) fn recount(backend: DatabaseBackend, min_photos: u32) -> Vec<String> {
    let (trim, find, month) = match backend {
        DatabaseBackend::Postgres => ("btrim", "strpos", "date_trunc('month', i.date)::date"),
        _ => ("trim", "instr", "substr(i.date, 1, 8) || '01'"),
    };
    let bits = kind_bits("i.kinds", find);
    let min = min_photos.to_string();
    vec![
        format!(
            "INSERT INTO inspection_tallies (county_code, project_id, month, kinds, n, latest) \
             SELECT i.county_code, i.project_id, {month}, {bits}, count(*), max(i.date) \
             FROM inspections i WHERE {} GROUP BY i.county_code, i.project_id, {month}, {bits}",
            countable("i", trim, &min)
        ),
        format!(
            "INSERT INTO inspection_singles ({SINGLE_COLUMNS}) SELECT {} FROM inspections i \
             WHERE {}",
            single_values("i", trim),
            single("i", trim, &min)
        ),
    ]
}

/// Counts every inspection already there, under the default minimum of one photo.
fn backfill(backend: DatabaseBackend) -> Vec<String> {
    let mut out = vec!["INSERT INTO inspection_tally_basis (id, min_photos) VALUES (1, 1)".into()];
    out.extend(recount(backend, 1));
    out
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
