//! Use cases of jianguan. Every write goes through here: it checks who may do it, builds
//! the validated record, and writes it with its audit row in one transaction.

pub mod accounts;
pub mod actor;
pub mod anchor;
pub mod assets;
mod audit;
pub mod bundle;
pub mod demo;
mod demo_facts;
pub mod docket;
pub mod documents;
pub mod dossier;
mod error;
pub mod evidence;
pub mod funds;
pub mod heavy;
pub mod history;
pub mod inspections;
pub mod inventory;
pub mod jobs;
pub mod market;
pub mod metrics;
mod notify;
pub mod ocds;
pub mod open311;
pub mod oversight;
pub mod profile;
pub mod publicity;
pub mod quarterly;
pub mod records;
pub mod rectification;
pub mod registers;
pub mod reporting;
pub mod sanctions;
pub mod secrets;
pub mod sorting;
pub mod tipoffs;

pub use actor::{Actor, Permission};
pub use error::AppError;
pub use jianguan_domain::Role;
pub use jianguan_store::Store;

use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The application: the store and the clock. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    clock: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    pub settings: Settings,
    /// The regulation profile the rules are evaluated under.
    pub profile: Arc<jianguan_domain::rules::Profile>,
    /// Where evidence files are kept.
    pub files: jianguan_files::FileStore,
    pub photos: evidence::PhotoSettings,
    /// Where CPU-heavy work runs (uploads parsed, photos decoded, bundles read).
    pub heavy: heavy::Heavy,
    /// Signs checkpoints of the audit chain (kept outside the database).
    pub audit_key: Option<Arc<jianguan_store::SigningKey>>,
    /// This server among several on one database (kept in its data directory), so that
    /// what a crashed server left half-done is found by it again.
    pub instance: String,
    /// The Chinese faces documents are set in (a configured directory first).
    pub fonts: Arc<documents::FontIndex>,
    /// The dossiers being built in the background on this server.
    pub dossiers: dossier::Jobs,
    /// The public side's settings (behind one pointer: the app is held by value in
    /// many futures, whose size the test threads' stacks feel).
    pub public: Arc<PublicSide>,
    /// The counties' public pages, as last built.
    pub public_pages: publicity::Cache,
    /// The counties' stored dockets this server holds while they are current.
    pub dockets: docket::Held,
}

/// What the public side is run with.
#[derive(Debug, Clone)]
pub struct PublicSide {
    /// The limits per client address.
    pub limits: tipoffs::PublicLimits,
    /// Signs the public form's tokens when there is no audit key to derive one from.
    pub form_secret: [u8; 32],
    /// The prefix of the OCIDs of the OCDS export (registered with the Open Contracting
    /// Partnership).
    pub ocid_prefix: String,
}

/// Account and session policy; the defaults suit a county bureau.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session ends after this long without a request.
    pub session_idle: chrono::Duration,
    /// A session ends this long after login, however active.
    pub session_absolute: chrono::Duration,
    /// Failed logins counted over this window.
    pub throttle_window: chrono::Duration,
    /// Failures of one name from one address before its logins are slowed (the delay
    /// doubles with each further failure, up to `throttle_max_delay`).
    pub throttle_failures: u64,
    /// Failures from one address, any name, before that address is slowed.
    pub throttle_address_failures: u64,
    /// Failures of one name from any address before the name is slowed, however spread
    /// the guessing; its delay is capped at `throttle_name_max_delay`, so that nobody
    /// can keep a real user out for long.
    pub throttle_name_failures: u64,
    pub throttle_max_delay: chrono::Duration,
    pub throttle_name_max_delay: chrono::Duration,
    /// How long an API token lasts when its owner does not say; and at most.
    pub token_days_default: i64,
    pub token_days_max: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: chrono::Duration::hours(2),
            session_absolute: chrono::Duration::hours(12),
            throttle_window: chrono::Duration::minutes(15),
            throttle_failures: 5,
            throttle_address_failures: 20,
            throttle_name_failures: 50,
            throttle_max_delay: chrono::Duration::minutes(15),
            throttle_name_max_delay: chrono::Duration::seconds(60),
            token_days_default: 90,
            token_days_max: 366,
        }
    }
}

impl App {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            clock: Arc::new(Utc::now),
            settings: Settings::default(),
            profile: Arc::new(profile::default_profile()),
            // Set by whoever runs the app (`with_files`); a fresh directory of this
            // process otherwise, so that nothing is ever written somewhere shared by chance.
            files: jianguan_files::FileStore::local(
                std::env::temp_dir().join(format!("jianguan-files-{}", secrets::new_id())),
            ),
            photos: evidence::PhotoSettings::default(),
            heavy: heavy::Heavy::from_cores(),
            audit_key: None,
            instance: secrets::new_id(),
            fonts: Arc::new(documents::FontIndex::new(None)),
            dossiers: dossier::Jobs::default(),
            public: Arc::new(PublicSide {
                limits: tipoffs::PublicLimits::default(),
                ocid_prefix: ocds::DEFAULT_OCID_PREFIX.into(),
                form_secret: {
                    let mut k = [0u8; 32];
                    // Without randomness the form cannot be signed; refuse loudly at start.
                    getrandom::fill(&mut k).expect("the system's random source");
                    k
                },
            }),
            public_pages: publicity::Cache::default(),
            dockets: docket::Held::default(),
        }
    }

    /// The prefix of the OCDS export's OCIDs.
    pub fn with_ocid_prefix(mut self, prefix: &str) -> Self {
        Arc::make_mut(&mut self.public).ocid_prefix = prefix.trim().to_string();
        self
    }

    /// Other limits for the public side (tests make the proof-of-work small).
    pub fn with_public_limits(mut self, limits: tipoffs::PublicLimits) -> Self {
        Arc::make_mut(&mut self.public).limits = limits;
        self
    }

    /// Where the official faces are (searched before the system's font directories).
    pub fn with_font_dir(mut self, dir: Option<std::path::PathBuf>) -> Self {
        self.fonts = Arc::new(documents::FontIndex::new(dir));
        self
    }

    pub fn with_photos(mut self, photos: evidence::PhotoSettings) -> Self {
        self.photos = photos;
        self
    }

    pub fn with_instance(mut self, id: impl Into<String>) -> Self {
        self.instance = id.into();
        self
    }

    pub fn with_audit_key(mut self, key: jianguan_store::SigningKey) -> Self {
        self.audit_key = Some(Arc::new(key));
        self
    }

    pub fn with_files(mut self, files: jianguan_files::FileStore) -> Self {
        self.files = files;
        self
    }

    pub fn with_profile(mut self, profile: jianguan_domain::rules::Profile) -> Self {
        self.profile = Arc::new(profile);
        self
    }

    /// For tests and the demo: a fixed or moving clock.
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        jianguan_domain::china_today(self.now())
    }
}
