//! The `jianguan` binary: web server and command line.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use jianguan_app::{App, accounts, demo};
use jianguan_store::Store;
use std::io::Read;
use std::path::PathBuf;

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
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "JIANGUAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Set when users reach the server over HTTPS (e.g. behind a reverse proxy): cookies
    /// are then marked Secure.
    #[arg(long, env = "JIANGUAN_SECURE_COOKIES", default_value_t = false)]
    secure_cookies: bool,
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
    /// Add a county to the deployment.
    County(CountyArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the hash chain; exit 1 and name the first broken row if it is broken.
    Verify(DbArgs),
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
        None => anyhow::anyhow!("{}", e.message()),
    }
}

async fn serve(app: App, args: &ServeArgs) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| {
            format!(
                "无法监听 {}（端口被占用？可用 --listen 换一个）",
                args.listen
            )
        })?;
    let addr = listener.local_addr()?;
    println!("jianguan 已启动：http://{addr}/");
    let config = jianguan_web::WebConfig {
        secure_cookies: args.secure_cookies,
    };
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
            serve(App::new(store), &args).await?;
            Ok(0)
        }
        Command::Demo(args) => {
            let store = args.db.open().await?;
            let app = App::new(store);
            let seeded = demo::seed(&app).await.map_err(describe)?;
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
            command: AuditCommand::Verify(db),
        } => {
            let store = db.open().await?;
            let report = store.verify_audit().await?;
            match report.first_broken {
                None => {
                    println!(
                        "审计日志完整：共 {} 条记录，哈希链校验通过。",
                        report.rows_checked
                    );
                    Ok(0)
                }
                Some((seq, why)) => {
                    println!(
                        "审计日志校验失败：{why}（已校验 {} 条，问题出在第 {seq} 条）",
                        report.rows_checked
                    );
                    Ok(1)
                }
            }
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
