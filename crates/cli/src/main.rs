//! The `jianguan` binary: web server and command line.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use jianguan_app::{App, accounts, demo};
use jianguan_store::Store;
use std::io::Read;
use std::path::PathBuf;

mod backup;
mod memory;
mod progress;

/// The docket parses millions of small records across threads; glibc's allocator spent a
/// third of that time in malloc and free (docs/testing.md, benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "jianguan",
    version,
    about = "电子商务进农村综合示范项目日常监管系统 (jianguan)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Data directory; the embedded SQLite database lives here unless --database-url is given.
    #[arg(long, env = "JIANGUAN_DATA_DIR", default_value = "./jianguan-data")]
    data_dir: PathBuf,
    /// sqlite://PATH or postgres://USER@HOST/DB. Overrides --data-dir for the database.
    #[arg(long, env = "JIANGUAN_DATABASE_URL")]
    database_url: Option<String>,
    /// Where photos are kept: s3://BUCKET[/PREFIX] (credentials and endpoint from the
    /// AWS_* variables). Default: the files/ folder of the data directory.
    #[arg(long, env = "JIANGUAN_FILES_URL")]
    files_url: Option<String>,
    /// The Ed25519 key that signs checkpoints of the audit chain (kept outside the
    /// database; created on first start). Default: audit-signing.key in the data directory.
    #[arg(long, env = "JIANGUAN_AUDIT_KEY")]
    audit_key: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct ProfileArg {
    /// Regulation profile (TOML); the embedded Jiaocheng 2022 profile when not given.
    #[arg(long = "profile", env = "JIANGUAN_PROFILE")]
    path: Option<String>,
}

impl ProfileArg {
    fn load(&self) -> Result<jianguan_domain::rules::Profile> {
        Ok(jianguan_app::profile::load(self.path.as_deref())?)
    }
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    profile: ProfileArg,
    /// China time of day at which the daily docket is evaluated.
    #[arg(long, env = "JIANGUAN_DOCKET_AT", default_value = "06:00")]
    docket_at: String,
    /// Address to listen on.
    #[arg(long, env = "JIANGUAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// The address people open, e.g. https://jianguan.example.gov.cn (behind a reverse
    /// proxy). An https address turns on secure cookies and HSTS.
    #[arg(long, env = "JIANGUAN_PUBLIC_URL")]
    public_url: Option<String>,
    /// Users reach the server over HTTPS: the session cookie is `__Host-`, Secure, and HSTS
    /// is sent. Default: on when --public-url is https.
    #[arg(long, env = "JIANGUAN_SECURE_COOKIES", num_args = 0..=1, default_missing_value = "true")]
    secure_cookies: Option<bool>,
    /// A reverse proxy (address or network, e.g. 127.0.0.1 or 10.0.0.0/8) whose
    /// X-Forwarded-For names the client; repeat for several.
    #[arg(
        long = "trusted-proxy",
        env = "JIANGUAN_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<String>,
    /// Largest photo accepted, in MB.
    #[arg(long, env = "JIANGUAN_PHOTO_MAX_MB", default_value_t = 15)]
    photo_max_mb: usize,
    /// A photo taken (or uploaded) farther than this from the project is flagged, in km.
    #[arg(long, env = "JIANGUAN_PHOTO_MAX_DISTANCE_KM", default_value_t = 2.0)]
    photo_max_distance_km: f64,
    /// Where the official faces of documents are (仿宋_GB2312, 方正小标宋 …), searched before
    /// the system's font directories.
    #[arg(long, env = "JIANGUAN_FONT_DIR")]
    font_dir: Option<std::path::PathBuf>,
    /// The prefix of the OCDS export's OCIDs, as registered with the Open Contracting
    /// Partnership (`ocds-` and six characters).
    #[arg(long, env = "JIANGUAN_OCID_PREFIX", default_value = jianguan_app::ocds::DEFAULT_OCID_PREFIX)]
    ocid_prefix: String,
}

impl ServeArgs {
    fn web(&self) -> Result<jianguan_web::WebConfig> {
        let public_url = match self.public_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u)
                if jianguan_web::client::origin_of(u).is_some()
                    && (u.starts_with("https://") || u.starts_with("http://")) =>
            {
                Some(u.trim_end_matches('/').to_string())
            }
            Some(u) => bail!("--public-url 应为 https://… 或 http://… 形式的地址，而不是“{u}”"),
        };
        let https = public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                p.parse()
                    .map_err(|m: String| anyhow::anyhow!("--trusted-proxy：{m}"))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(jianguan_web::WebConfig {
            secure_cookies: self.secure_cookies.unwrap_or(https),
            public_url,
            trusted_proxies,
        })
    }

    fn photos(&self) -> Result<jianguan_app::evidence::PhotoSettings> {
        if !(1..=50).contains(&self.photo_max_mb) {
            bail!("--photo-max-mb 应在 1 到 50 之间");
        }
        if !(self.photo_max_distance_km > 0.0 && self.photo_max_distance_km.is_finite()) {
            bail!("--photo-max-distance-km 应大于 0");
        }
        let mut p = jianguan_app::evidence::PhotoSettings::default();
        p.limits.max_bytes = self.photo_max_mb * 1024 * 1024;
        p.max_distance_m = self.photo_max_distance_km * 1000.0;
        Ok(p)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web interface and the API.
    Serve(ServeArgs),
    /// Seed the 交城县 demo (once per data directory) and serve it.
    Demo(ServeArgs),
    /// Audit trail commands.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Open311: keys for the partner systems that file tip-offs (docs/open311.md).
    Partner {
        #[command(subcommand)]
        command: PartnerCommand,
    },
    /// Add a county to the deployment.
    County(CountyArgs),
    /// Evaluate every rule as of a date and print the findings (exit 1 when there are any).
    Check {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        profile: ProfileArg,
        /// YYYY-MM-DD; today (China time) when not given.
        #[arg(long)]
        as_of: Option<String>,
        /// 6-digit county code; every county when not given.
        #[arg(long)]
        county: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// The regulation profile.
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Import a county's records from a bundle (docs/import-format.md): all or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        profile: ProfileArg,
        #[arg(long)]
        file: PathBuf,
    },
    /// Export a county's records.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "bundle")]
        format: ExportFormat,
        /// 6-digit county code; may be left out when the database holds one county.
        #[arg(long)]
        county: Option<String>,
        /// `--format ocds`: the programme (its id); may be left out when the county has one.
        #[arg(long)]
        programme: Option<String>,
        /// `--format ocds`: the OCIDs' registered prefix.
        #[arg(long, env = "JIANGUAN_OCID_PREFIX", default_value = jianguan_app::ocds::DEFAULT_OCID_PREFIX)]
        ocid_prefix: String,
        /// Where to write; standard output when not given.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// 验收/审计档案: build one for a project, or check one (no database needed).
    Dossier {
        #[command(subcommand)]
        command: DossierCommand,
    },
    /// The stored docket.
    Docket {
        #[command(subcommand)]
        command: DocketCommand,
    },
    /// Write a backup (database copy and evidence files) while the server runs (SQLite).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        output: PathBuf,
    },
    /// Restore a backup into an empty data directory and check it.
    Restore {
        #[arg(long)]
        input: PathBuf,
        #[arg(long, env = "JIANGUAN_DATA_DIR", default_value = "./jianguan-data")]
        data_dir: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    /// Every record of the county (docs/import-format.md).
    Bundle,
    /// A programme's implementation as an OCDS 1.1 release package (docs/ocds.md).
    Ocds,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Print the profile in force (validated).
    Show(ProfileArg),
}

#[derive(Subcommand)]
enum DocketCommand {
    /// Evaluate every county now and store the findings (what the daily job does).
    Refresh {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        profile: ProfileArg,
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
enum PartnerCommand {
    /// Issue a key to a partner system; the key is printed once and only its hash kept.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// 6-digit county code; may be left out when the database holds one county.
        #[arg(long)]
        county: Option<String>,
        /// Whose system it is, e.g. 吕梁市12345政务服务便民热线.
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum DossierCommand {
    /// Build a project's or a whole programme's dossier (records, documents, photos,
    /// audit excerpt, manifest).
    Build {
        #[command(flatten)]
        db: DbArgs,
        /// The project's id.
        #[arg(
            long,
            required_unless_present = "programme",
            conflicts_with = "programme"
        )]
        project: Option<String>,
        /// The programme's id: every project of it, each in a folder of its own.
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        output: PathBuf,
    },
    /// Check a dossier: every file against the manifest, the manifest's signature, the
    /// audit excerpt against the chain and the checkpoint; exit 1 and name what differs.
    Verify {
        file: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the hash chain, hold it to every checkpoint, and compare each record with
    /// what the chain last recorded; exit 1 and name what is wrong.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// A checkpoint file kept elsewhere (from `audit checkpoint --output`).
        #[arg(long)]
        checkpoint: Vec<PathBuf>,
    },
    /// Sign a checkpoint of the chain head now (the daily run does this too).
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        /// Also write the checkpoint to this file, to keep outside the server.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// admin, chief, inspector, viewer or contractor
        #[arg(long)]
        role: String,
        /// 6-digit county code (not needed for a deployment administrator)
        #[arg(long)]
        county: Option<String>,
        /// For contractor users: their enterprise's id
        #[arg(long)]
        enterprise: Option<String>,
    },
    /// Set a new password (read from standard input) and end the user's sessions.
    ResetPassword {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
    /// Lift the login delay that failed attempts put on a user name.
    Unlock {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// A user's API tokens, with their expiry and last use.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
    /// Revoke an API token by its id.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: String,
    },
}

#[derive(Args)]
struct CountyArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    code: String,
    #[arg(long)]
    name: String,
    #[arg(long)]
    prefecture: String,
    #[arg(long)]
    province: String,
    /// Townships, separated by commas (，or ,).
    #[arg(long)]
    townships: String,
}

impl DbArgs {
    /// The database URL: the one given, or the SQLite file in the data directory
    /// (created on first use, with the directory).
    fn url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("无法创建数据目录 {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}?mode=rwc",
            self.data_dir.join("jianguan.db").display()
        ))
    }

    async fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.url()?).await?)
    }

    fn audit_key_path(&self) -> PathBuf {
        self.audit_key
            .clone()
            .unwrap_or_else(|| self.data_dir.join(jianguan_app::anchor::KEY_FILE))
    }

    /// The checkpoint signing key, created when there is none yet.
    fn audit_key(&self) -> Result<jianguan_store::SigningKey> {
        jianguan_app::anchor::load_or_create_key(&self.audit_key_path()).map_err(describe)
    }

    /// Evidence files (photos): the bucket given, or beside the database under `files/`.
    fn files(&self) -> Result<jianguan_files::FileStore> {
        Ok(match &self.files_url {
            Some(url) => jianguan_files::FileStore::from_url(url)?,
            None => jianguan_files::FileStore::local(self.data_dir.join("files")),
        })
    }
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        bail!("请从标准输入提供密码，例如：echo '新密码' | jianguan user add …");
    }
    Ok(p)
}

fn describe(e: jianguan_app::AppError) -> anyhow::Error {
    match e.fields() {
        Some(f) => anyhow::anyhow!(
            "{}\n{}",
            e.message(),
            f.iter()
                .map(|(k, v)| format!("  {k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        // At the command line the operator is the one who must fix it: show the cause.
        None => match &e {
            e if e.is_internal() => anyhow::anyhow!("{}（{}）", e.message(), e.chain()),
            _ => anyhow::anyhow!("{}", e.message()),
        },
    }
}

async fn user_named(app: &App, username: &str) -> Result<jianguan_store::entity::user::Model> {
    jianguan_store::queries::user_by_username(app.store.reader(), username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("没有用户名为 {username} 的用户"))
}

fn as_of(app: &App, given: Option<&str>) -> Result<chrono::NaiveDate> {
    match given {
        None => Ok(app.today()),
        Some(s) => {
            jianguan_domain::dates::parse_date(s).map_err(|m| anyhow::anyhow!("--as-of：{m}"))
        }
    }
}

/// This server's id among several on one database, kept in its data directory.
fn instance_id(data_dir: &std::path::Path) -> Result<String> {
    let path = data_dir.join("server.id");
    if let Ok(id) = std::fs::read_to_string(&path)
        && !id.trim().is_empty()
    {
        return Ok(id.trim().to_string());
    }
    std::fs::create_dir_all(data_dir)?;
    let id = jianguan_app::secrets::new_id();
    std::fs::write(&path, &id).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(id)
}

async fn serve(app: App, args: &ServeArgs) -> Result<()> {
    let config = args.web()?;
    let app = app.with_instance(instance_id(&args.db.data_dir)?);
    // What this server left half-done when it last stopped (killed, power cut).
    let n = jianguan_app::evidence::recover_uploads(&app, chrono::Duration::days(3650))
        .await
        .map_err(describe)?;
    if n > 0 {
        eprintln!("上次未正常关闭：已清理未写入记录的证据文件 {n} 个。");
    }
    // A database written before the funds ledger was stored gets its entries once (the
    // flag m0018 set), beside the serving: it reads every county's money (seconds on a
    // province's database), and each county's catch-up is a transaction of its own.
    let catch_up = app.clone();
    tokio::spawn(async move {
        match jianguan_app::funds::catch_up_once(&catch_up).await {
            Ok(None | Some(0)) => {}
            Ok(Some(n)) => eprintln!("资金台账：已为 {n} 个县补记入账。"),
            Err(e) => tracing::error!(error = %e, "funds ledger catch-up failed"),
        }
    });
    let at = chrono::NaiveTime::parse_from_str(&args.docket_at, "%H:%M")
        .map_err(|_| anyhow::anyhow!("--docket-at 应为“时:分”，例如 06:00"))?;
    let holder = format!("{}:{}", std::process::id(), args.listen);
    tokio::spawn(jianguan_app::jobs::run_daily(app.clone(), at, holder));
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| {
            format!(
                "无法监听 {}（端口被占用？可用 --listen 换一个）",
                args.listen
            )
        })?;
    let addr = listener.local_addr()?;
    if !config.secure_cookies {
        eprintln!(
            "警告：未启用 HTTPS（未设置 https 的 --public-url 或 --secure-cookies）。在单位内网以外或共享网络上，登录会话可能被他人截获；正式使用请置于 HTTPS 反向代理之后。"
        );
    } else if config.trusted_proxies.is_empty() {
        eprintln!(
            "提示：已启用 HTTPS 但未设置 --trusted-proxy：若经反向代理访问，登录限制将把所有人视为代理的同一地址。"
        );
    }
    println!("jianguan 已启动：http://{addr}/");
    memory::give_back_when_idle();
    jianguan_web::serve(app, config, listener).await?;
    Ok(())
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JIANGUAN_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::exit(2);
        }
    }
}

async fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Serve(args) => {
            let profile = args.profile.load()?;
            let store = args.db.open().await?;
            let users = jianguan_store::queries::users(
                store.reader(),
                &jianguan_store::Scope::everything(),
            )
            .await?;
            if users.is_empty() {
                eprintln!(
                    "提示：尚无任何用户。请先添加管理员，例如：\n  echo '密码' | jianguan user add --username admin --name 管理员 --role admin"
                );
            }
            serve(
                App::new(store)
                    .with_profile(profile)
                    .with_files(args.db.files()?)
                    .with_photos(args.photos()?)
                    .with_font_dir(args.font_dir.clone())
                    .with_audit_key(args.db.audit_key()?)
                    .with_ocid_prefix(&args.ocid_prefix),
                &args,
            )
            .await?;
            Ok(0)
        }
        Command::Demo(args) => {
            let profile = args.profile.load()?;
            let store = args.db.open().await?;
            let app = App::new(store)
                .with_profile(profile)
                .with_files(args.db.files()?)
                .with_photos(args.photos()?)
                .with_font_dir(args.font_dir.clone())
                .with_audit_key(args.db.audit_key()?)
                .with_ocid_prefix(&args.ocid_prefix);
            let seeded = demo::seed(&app).await.map_err(describe)?;
            jianguan_app::docket::refresh_all(&app, app.today())
                .await
                .map_err(describe)?;
            if seeded {
                jianguan_app::anchor::checkpoint(&app)
                    .await
                    .map_err(describe)?;
            }
            println!(
                "{}",
                if seeded {
                    "已生成交城县演示数据。"
                } else {
                    "演示数据已存在，直接使用（未重复生成）。"
                }
            );
            println!("演示账号（密码均为 {}）：", demo::DEMO_PASSWORD);
            for (name, role) in demo::ACCOUNTS {
                println!("  {name:<12} {}", role.label());
            }
            serve(app, &args).await?;
            Ok(0)
        }
        Command::Audit {
            command: AuditCommand::Verify { db, checkpoint },
        } => {
            let store = db.open().await?;
            let mut anchors = jianguan_store::Anchors::default();
            let key_path = db.audit_key_path();
            if key_path.exists() {
                let key = db.audit_key()?;
                anchors.own_key = Some(hex::encode(key.verifying_key().to_bytes()));
            }
            for file in &checkpoint {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("无法读取 {}", file.display()))?;
                anchors.external.push(
                    jianguan_app::anchor::from_file(&text)
                        .map_err(|m| anyhow::anyhow!("{}：{m}", file.display()))?,
                );
            }
            let report = store.verify_audit_with(&anchors).await?;
            if let Some((seq, why)) = &report.first_broken {
                println!(
                    "审计日志校验失败：{why}（已校验 {} 条，问题出在第 {seq} 条）",
                    report.rows_checked
                );
                return Ok(1);
            }
            println!(
                "审计日志完整：共 {} 条记录，哈希链校验通过，与 {} 个检查点一致。",
                report.rows_checked, report.checkpoints_checked
            );
            if report.mismatches.is_empty() {
                println!("每条业务记录均与审计记录中最后的状态一致。");
                return Ok(0);
            }
            println!(
                "以下 {}{} 条记录与审计记录中最后的状态不符：",
                report.mismatches.len(),
                if report.more_mismatches { "+" } else { "" }
            );
            for m in &report.mismatches {
                println!("  {} {}：{}", m.table, m.id, m.why);
            }
            Ok(1)
        }
        Command::Dossier {
            command:
                DossierCommand::Build {
                    db,
                    project,
                    programme,
                    output,
                },
        } => {
            let mut app = App::new(db.open().await?).with_files(db.files()?);
            if db.audit_key_path().exists() {
                app = app.with_audit_key(db.audit_key()?);
            }
            let operator = jianguan_app::Actor {
                user_id: "cli".into(),
                username: "cli".into(),
                display_name: "命令行".into(),
                role: jianguan_app::Role::Admin,
                county_code: None,
                enterprise_id: None,
            };
            let subject = match (project, programme) {
                (Some(p), _) => jianguan_app::dossier::Subject::Project(p),
                (None, Some(g)) => jianguan_app::dossier::Subject::Programme(g),
                (None, None) => anyhow::bail!("请用 --project 或 --programme 指明档案的范围"),
            };
            let file = std::fs::File::create(&output)
                .with_context(|| format!("无法写入 {}", output.display()))?;
            let progress = std::sync::Arc::new(jianguan_app::dossier::Progress::default());
            let shown = progress.clone();
            let ticker = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    let (done, total, stage) = shown.snapshot();
                    eprint!(
                        "\r生成中 {:>3}%  {done}/{total}  {stage}    ",
                        shown.percent()
                    );
                }
            });
            let built =
                jianguan_app::dossier::build(&app, &operator, &subject, file, &progress).await;
            ticker.abort();
            eprintln!();
            let m = match built {
                Ok(m) => m,
                Err(e) => {
                    let _ = std::fs::remove_file(&output);
                    return Err(describe(e));
                }
            };
            println!(
                "已生成 {}：{} 个文件，审计摘录 {} 条（链第 {}–{} 条）{}",
                output.display(),
                m.files.len(),
                m.audit.excerpt_rows,
                m.audit.chain_from,
                m.audit.chain_to,
                if app.audit_key.is_some() {
                    "，清单已签名"
                } else {
                    "，未签名（没有审计链签名密钥）"
                }
            );
            Ok(0)
        }
        Command::Dossier {
            command: DossierCommand::Verify { file, json },
        } => {
            let v = jianguan_app::dossier::verify(&file)
                .map_err(|m| anyhow::anyhow!("{}：{m}", file.display()))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                if let Some(m) = &v.manifest {
                    println!(
                        "档案：{}（{}），{} 生成，共 {} 个文件，审计链 {} 条",
                        m.subject_name,
                        if m.scope == "programme" {
                            "综合示范项目，含全部承办项目"
                        } else {
                            m.enterprise_name.as_str()
                        },
                        m.built_at
                            .with_timezone(&jianguan_domain::dates::china_offset())
                            .format("%Y-%m-%d %H:%M"),
                        v.files_checked,
                        v.chain_links
                    );
                }
                for n in &v.notes {
                    println!("  · {n}");
                }
                if v.ok() {
                    println!("校验通过：每个文件与清单一致，审计摘录与审计链相符。");
                } else {
                    println!("校验未通过，{} 处不符：", v.problems.len());
                    for p in &v.problems {
                        println!("  ✗ {p}");
                    }
                }
            }
            Ok(if v.ok() { 0 } else { 1 })
        }
        Command::Audit {
            command: AuditCommand::Checkpoint { db, output },
        } => {
            let key = db.audit_key()?;
            let app = App::new(db.open().await?).with_audit_key(key);
            let c = jianguan_app::anchor::checkpoint(&app)
                .await
                .map_err(describe)?;
            println!(
                "已签署检查点：第 {} 条记录，哈希 {}，公钥 {}",
                c.seq, c.hash, c.public_key
            );
            if let Some(path) = output {
                std::fs::write(&path, jianguan_app::anchor::to_file(&c))
                    .with_context(|| format!("无法写入 {}", path.display()))?;
                println!("已写入 {}，请保存在服务器以外的地方。", path.display());
            }
            Ok(0)
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    username,
                    name,
                    role,
                    county,
                    enterprise,
                },
        } => {
            let password = read_password()?;
            let app = App::new(db.open().await?);
            let input = accounts::NewUser {
                username,
                display_name: name,
                role,
                county_code: county,
                enterprise_id: enterprise,
                password,
            };
            let u = accounts::create_user(&app, None, &input)
                .await
                .map_err(describe)?;
            println!("已创建用户 {}（{}）", u.username, u.id);
            Ok(0)
        }
        Command::User {
            command: UserCommand::ResetPassword { db, username },
        } => {
            let password = read_password()?;
            let app = App::new(db.open().await?);
            accounts::reset_password(&app, &username, &password)
                .await
                .map_err(describe)?;
            println!("已重设 {username} 的密码，其所有登录已退出。");
            Ok(0)
        }
        Command::User {
            command: UserCommand::Unlock { db, username },
        } => {
            let app = App::new(db.open().await?);
            let u = user_named(&app, &username).await?;
            let n = accounts::unlock(&app, None, &u.id)
                .await
                .map_err(describe)?;
            println!("已解除 {username} 的登录限制（清除失败记录 {n} 条）。");
            Ok(0)
        }
        Command::Token {
            command: TokenCommand::List { db, username },
        } => {
            let app = App::new(db.open().await?);
            let u = user_named(&app, &username).await?;
            let now = app.now();
            let tokens = accounts::tokens(&app, None, &u.id)
                .await
                .map_err(describe)?;
            for t in &tokens {
                let state = match (t.revoked_at, t.expires_at <= now) {
                    (Some(_), _) => "已撤销",
                    (None, true) => "已过期",
                    (None, false) => "有效",
                };
                println!(
                    "{}  {}  {}  有效期至 {}  最近使用 {}",
                    t.id,
                    state,
                    t.name,
                    t.expires_at.format("%Y-%m-%d"),
                    t.last_used_at
                        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "从未".into())
                );
            }
            println!("{username} 共有 {} 个令牌。", tokens.len());
            Ok(0)
        }
        Command::Token {
            command: TokenCommand::Revoke { db, id },
        } => {
            let app = App::new(db.open().await?);
            let t = accounts::revoke_token(&app, None, &id)
                .await
                .map_err(describe)?;
            println!("已撤销令牌 {}（{}）。", t.id, t.name);
            Ok(0)
        }
        Command::Check {
            db,
            profile,
            as_of: given,
            county,
            format,
        } => {
            let app = App::new(db.open().await?).with_profile(profile.load()?);
            let date = as_of(&app, given.as_deref())?;
            let counties = match county {
                Some(c) => {
                    if jianguan_store::queries::county(app.store.reader(), &c)
                        .await?
                        .is_none()
                    {
                        bail!("没有代码为 {c} 的县");
                    }
                    vec![c]
                }
                None => jianguan_store::queries::counties(
                    app.store.reader(),
                    &jianguan_store::Scope::everything(),
                )
                .await?
                .into_iter()
                .map(|c| c.code)
                .collect(),
            };
            jianguan_app::docket::align_tallies(&app)
                .await
                .map_err(describe)?;
            let all: Vec<(String, _)> = jianguan_app::docket::evaluate_many(&app, &counties, date)
                .await
                .map_err(describe)?
                .into_iter()
                .flat_map(|(c, found)| found.into_iter().map(move |f| (c.clone(), f)))
                .collect();
            match format {
                Format::Json => {
                    let rows: Vec<serde_json::Value> = all
                        .iter()
                        .map(|(c, f)| {
                            let mut v = serde_json::to_value(f).unwrap_or_default();
                            v["county"] = serde_json::Value::String(c.clone());
                            v
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                }
                Format::Table => {
                    for (c, f) in &all {
                        println!(
                            "[{}] {}  {}（{}）{}{}",
                            f.severity.label(),
                            f.rule,
                            f.subject.name,
                            c,
                            f.period
                                .as_deref()
                                .map(|p| format!("  期间 {p}"))
                                .unwrap_or_default(),
                            f.due.map(|d| format!("  期限 {d}")).unwrap_or_default()
                        );
                        println!("    {}  依据：{}  建议：{}", f.message, f.clause, f.action);
                    }
                    println!("截至 {date}：共 {} 条待办。", all.len());
                }
            }
            Ok(if all.is_empty() { 0 } else { 1 })
        }
        Command::Profile {
            command: ProfileCommand::Show(p),
        } => {
            let profile = p.load()?;
            println!(
                "# 当前生效的监管规则配置：{} 第 {} 版",
                profile.id, profile.version
            );
            print!("{}", toml::to_string_pretty(&profile)?);
            Ok(0)
        }
        Command::Docket {
            command:
                DocketCommand::Refresh {
                    db,
                    profile,
                    as_of: given,
                },
        } => {
            let app = App::new(db.open().await?).with_profile(profile.load()?);
            let date = as_of(&app, given.as_deref())?;
            for r in jianguan_app::docket::refresh_all(&app, date)
                .await
                .map_err(describe)?
            {
                println!(
                    "{}：待办 {} 条，新增 {} 条，已解决 {} 条",
                    r.county, r.open, r.new, r.resolved
                );
            }
            Ok(0)
        }
        Command::Import { db, profile, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}", file.display()))?;
            let app = App::new(db.open().await?).with_profile(profile.load()?);
            let imported =
                jianguan_app::bundle::import_with(&app, None, &text, &progress::bar()).await;
            progress::done();
            match imported {
                Ok(r) => {
                    println!(
                        "已导入 {}：新增 {} 条，更新 {} 条，未变 {} 条。",
                        r.county, r.created, r.updated, r.unchanged
                    );
                    for (table, (c, u, n)) in &r.tables {
                        println!("  {table}: 新增 {c}，更新 {u}，未变 {n}");
                    }
                    if r.created + r.updated > 0 {
                        let d = jianguan_app::docket::refresh(&app, &r.county, app.today())
                            .await
                            .map_err(describe)?;
                        println!(
                            "已更新待办：{} 条（新增 {} 条，已解决 {} 条）。",
                            d.open, d.new, d.resolved
                        );
                    }
                    Ok(0)
                }
                Err(jianguan_app::bundle::ImportError::Invalid(errors)) => {
                    eprintln!("导入文件有 {} 处错误，未导入任何记录：", errors.len());
                    for e in errors {
                        eprintln!("  {}：{}", e.path, e.message);
                    }
                    Ok(2)
                }
                Err(jianguan_app::bundle::ImportError::App(e)) => Err(describe(e)),
            }
        }
        Command::Export {
            db,
            format,
            county,
            programme,
            ocid_prefix,
            output,
        } => {
            let app = App::new(db.open().await?);
            let code = only_county(&app, county).await?;
            let doc = match format {
                ExportFormat::Bundle => jianguan_app::bundle::export(&app, &code)
                    .await
                    .map_err(describe)?,
                ExportFormat::Ocds => {
                    let scope = jianguan_store::Scope::county(&code);
                    let all =
                        jianguan_store::queries::programmes(app.store.reader(), &scope).await?;
                    let p = match (programme, all.as_slice()) {
                        (Some(id), _) => all
                            .iter()
                            .find(|p| p.id == id)
                            .cloned()
                            .with_context(|| format!("县 {code} 没有编号为 {id} 的示范项目"))?,
                        (None, [only]) => only.clone(),
                        (None, []) => bail!("县 {code} 还没有示范项目"),
                        (None, _) => bail!("县 {code} 有多个示范项目，请用 --programme 指定"),
                    };
                    jianguan_app::ocds::package(&app, &p, &ocid_prefix)
                        .await
                        .map_err(describe)?
                }
            };
            let text = serde_json::to_string_pretty(&doc)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text + "\n")
                        .with_context(|| format!("无法写入 {}", path.display()))?;
                    eprintln!("已导出 {code} 到 {}", path.display());
                }
                None => println!("{text}"),
            }
            Ok(0)
        }
        Command::Partner {
            command: PartnerCommand::Add { db, county, name },
        } => {
            let app = App::new(db.open().await?);
            let code = only_county(&app, county).await?;
            let (key, row) = jianguan_app::open311::issue_key(&app, None, &code, &name)
                .await
                .map_err(describe)?;
            eprintln!("已为“{}”发放 Open311 密钥（只显示这一次）：", row.name);
            println!("{key}");
            Ok(0)
        }
        Command::Backup { db, output } => {
            let store = db.open().await?;
            backup::backup(&store, &db.files()?, &output).await?;
            Ok(0)
        }
        Command::Restore { input, data_dir } => Ok(if backup::restore(&input, &data_dir).await? {
            0
        } else {
            1
        }),
        Command::County(c) => {
            let app = App::new(c.db.open().await?);
            let input = jianguan_app::records::CountyInput {
                code: c.code,
                name: c.name,
                prefecture: c.prefecture,
                province: c.province,
                townships: c.townships.split([',', '，']).map(str::to_string).collect(),
            };
            let county = jianguan_app::records::create_county(&app, None, &input)
                .await
                .map_err(describe)?;
            println!("已添加 {}（{}）", county.name, county.code);
            Ok(0)
        }
    }
}

/// The county named, or the database's only one.
async fn only_county(app: &App, county: Option<String>) -> Result<String> {
    let counties =
        jianguan_store::queries::counties(app.store.reader(), &jianguan_store::Scope::everything())
            .await?;
    Ok(match (county, counties.as_slice()) {
        (Some(c), _) => c,
        (None, [only]) => only.code.clone(),
        (None, []) => bail!("数据库中没有任何县"),
        (None, _) => bail!("数据库中有多个县，请用 --county 指定"),
    })
}
