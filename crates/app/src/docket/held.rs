//! A county's stored docket kept in memory while it is current. The docket is read many
//! times a day and stored once a refresh: reading it again from the database, building
//! its answer and hashing it for the `ETag` every time was most of what a docket view
//! cost (issue 17). A view is held with the county's docket version (m0022) it was read
//! at, and served from memory only while that version is still the stored one: each use
//! reads the version (one short query), so a refresh on another server, a change, or a
//! restored database is seen at once.
//!
//! Only views that are a function of the stored findings alone are held (severity, area,
//! who acts, resolved too); the inspector's and the system's filters read inspections and
//! projects, which change without a refresh, and are read from the database every time.

use super::DocketFilter;
use jianguan_store::Scope;
use jianguan_store::entity::finding;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Findings held at most, over every view (~1 KB each, and the API's answer made of them
/// ~0.6 KB): a big county's open docket and a few of its views. A view larger than this
/// alone is not held, and its pages are read from the database.
pub(super) const MAX_ROWS: usize = 20_000;

/// One view of the stored docket, in the docket's order, as read at one version.
pub struct Docket {
    pub rows: Vec<finding::Model>,
    /// Whatever a caller makes of the whole view (the API's answer), made once.
    made: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl Docket {
    pub(super) fn new(rows: Vec<finding::Model>) -> Self {
        Self {
            rows,
            made: OnceLock::new(),
        }
    }

    /// What `make` makes of these rows, made on first use and kept with them: for a held
    /// view, as long as the view is current. `None` if a different type was kept first.
    pub fn made<T: Any + Send + Sync>(
        &self,
        make: impl FnOnce(&[finding::Model]) -> T,
    ) -> Option<&T> {
        self.made
            .get_or_init(|| Box::new(make(&self.rows)))
            .downcast_ref::<T>()
    }
}

/// Which view: the reader's scope and the filter (who acts already fixed for a contractor).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct View {
    pub county: String,
    pub enterprise: Option<String>,
    pub filter: DocketFilter,
}

impl View {
    /// The view to hold, if `f` on `scope` depends on nothing but the stored findings of
    /// one county.
    pub fn of(scope: &Scope, f: &DocketFilter) -> Option<Self> {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if set(&f.inspector) || set(&f.system) {
            return None;
        }
        let empty_none = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        Some(Self {
            county: scope.county.clone()?,
            enterprise: scope.enterprise.clone(),
            filter: DocketFilter {
                severity: empty_none(&f.severity),
                area: empty_none(&f.area),
                system: None,
                project_id: empty_none(&f.project_id),
                inspector: None,
                acts: empty_none(&f.acts),
                include_resolved: f.include_resolved,
            },
        })
    }
}

struct Entry {
    version: String,
    docket: Arc<Docket>,
}

/// The views this server holds.
#[derive(Clone, Default)]
pub struct Held(Arc<Mutex<HashMap<View, Entry>>>);

impl Held {
    /// The view held at `version`, if it is.
    pub(super) fn get(&self, view: &View, version: &str) -> Option<Arc<Docket>> {
        let views = self.0.lock().unwrap_or_else(|e| e.into_inner());
        views
            .get(view)
            .filter(|e| e.version == version)
            .map(|e| e.docket.clone())
    }

    /// Holds `docket` as the view at `version`, dropping the county's views of other
    /// versions (no longer current) and, if still too many findings are held, the rest.
    pub(super) fn put(&self, view: View, version: String, docket: Arc<Docket>) {
        if docket.rows.len() > MAX_ROWS {
            return;
        }
        let mut views = self.0.lock().unwrap_or_else(|e| e.into_inner());
        views.retain(|v, e| v.county != view.county || e.version == version);
        views.remove(&view);
        let held: usize = views.values().map(|e| e.docket.rows.len()).sum();
        if held + docket.rows.len() > MAX_ROWS {
            views.clear();
        }
        views.insert(view, Entry { version, docket });
    }

    /// How many findings are held, over every view (for the tests of the bound).
    pub fn rows(&self) -> usize {
        let views = self.0.lock().unwrap_or_else(|e| e.into_inner());
        views.values().map(|e| e.docket.rows.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn docket(county: &str, n: usize) -> Arc<Docket> {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let rows = (0..n)
            .map(|i| finding::Model {
                id: format!("{county}-{i}"),
                county_code: county.into(),
                key: format!("k{i}"),
                rule: "progress.overdue".into(),
                severity: "warning".into(),
                subject_kind: "project".into(),
                subject_id: format!("p{i}"),
                subject_name: String::new(),
                enterprise_id: None,
                project_id: None,
                period: None,
                clause: String::new(),
                message: String::new(),
                due: None,
                action: String::new(),
                first_seen: day,
                last_seen: day,
                resolved_on: None,
            })
            .collect();
        Arc::new(Docket::new(rows))
    }

    fn view(county: &str, severity: Option<&str>) -> View {
        View {
            county: county.into(),
            enterprise: None,
            filter: DocketFilter {
                severity: severity.map(str::to_string),
                ..Default::default()
            },
        }
    }

    #[test]
    fn a_view_is_served_only_at_the_version_it_was_read_at() {
        let held = Held::default();
        let open = view("c1", None);
        held.put(open.clone(), "v1".into(), docket("c1", 3));
        assert_eq!(held.get(&open, "v1").map(|d| d.rows.len()), Some(3));
        assert!(held.get(&open, "v2").is_none());
        assert!(held.get(&view("c1", Some("warning")), "v1").is_none());
        assert!(held.get(&view("c2", None), "v1").is_none());
        // Another view of the county at a newer version: the old version's views go.
        let warnings = view("c1", Some("warning"));
        held.put(warnings.clone(), "v2".into(), docket("c1", 2));
        assert!(held.get(&open, "v1").is_none());
        assert_eq!(held.rows(), 2);
        // Other counties' views stay.
        held.put(view("c2", None), "w1".into(), docket("c2", 4));
        assert_eq!(held.rows(), 6);
        assert!(held.get(&warnings, "v2").is_some());
    }

    #[test]
    fn what_is_held_is_bounded() {
        let held = Held::default();
        // A view larger than the bound alone is not held.
        held.put(view("big", None), "v".into(), docket("big", MAX_ROWS + 1));
        assert_eq!(held.rows(), 0);
        held.put(view("a", None), "v".into(), docket("a", MAX_ROWS - 10));
        held.put(view("b", None), "v".into(), docket("b", 10));
        assert_eq!(held.rows(), MAX_ROWS);
        // The same view again is replaced, not counted twice.
        held.put(view("b", None), "v".into(), docket("b", 10));
        assert_eq!(held.rows(), MAX_ROWS);
        assert!(held.get(&view("a", None), "v").is_some());
        // One more finding than the bound: what was held goes, the new view stays.
        held.put(view("c", None), "v".into(), docket("c", 1));
        assert_eq!(held.rows(), 1);
        assert!(held.get(&view("c", None), "v").is_some());
        assert!(held.get(&view("a", None), "v").is_none());
    }

    #[test]
    fn what_is_made_of_a_view_is_made_once() {
        let d = docket("c1", 3);
        let mut calls = 0;
        let first = d.made(|rows| {
            calls += 1;
            rows.len()
        });
        assert_eq!(first, Some(&3));
        assert_eq!(d.made(|_| 99_usize), Some(&3));
        assert_eq!(calls, 1);
        assert_eq!(d.made(|_| "other type"), None);
    }

    #[test]
    fn only_views_of_one_county_read_from_the_findings_alone_are_held() {
        let county = Scope::county("c1");
        assert!(View::of(&county, &DocketFilter::default()).is_some());
        assert!(View::of(&Scope::everything(), &DocketFilter::default()).is_none());
        for f in [
            DocketFilter {
                inspector: Some("张三".into()),
                ..Default::default()
            },
            DocketFilter {
                system: Some("logistics".into()),
                ..Default::default()
            },
        ] {
            assert!(View::of(&county, &f).is_none(), "{f:?}");
        }
        // An empty filter value is no filter: the same view.
        let empty = DocketFilter {
            severity: Some(String::new()),
            inspector: Some("  ".into()),
            ..Default::default()
        };
        assert!(View::of(&county, &empty) == View::of(&county, &DocketFilter::default()));
    }
}
