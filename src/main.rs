//! The `goldseam` binary: parse the configuration, set up logging, run the command.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use goldseam::app::{App, Clock};
use goldseam::config::{Cli, Command, DemoArgs, ExportArgs, ServeArgs, Settings, VerifyArgs};
use goldseam::store::{Creating, Store, Witness};
use tracing_subscriber::EnvFilter;

/// How long closing the database may take once serving has stopped.
const SHUTDOWN_CLOSE: std::time::Duration = std::time::Duration::from_secs(5);

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("GOLDSEAM_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(*args).await,
        Some(Command::Export(args)) => export(args).await,
        Some(Command::Verify(args)) => return verify(&args),
        Some(Command::Demo(args)) => demo(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("goldseam: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let local_help = match &args.local_help {
        None => Vec::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the local help file {}", path.display()))?;
            goldseam::config::local_help(&text).map_err(|why| {
                anyhow::anyhow!(
                    "the local help file {} is not usable: {why}",
                    path.display()
                )
            })?
        }
    };
    let creating = if args.init {
        Creating::Allowed
    } else {
        Creating::OnFirstRun
    };
    let store = Store::open(&args.storage, creating).await?;
    store
        .probe_writes(Clock::System.now_secs())
        .await
        .map_err(|err| {
            anyhow::anyhow!(
                "the database does not take writes ({err}). Check that the disk has room and that \
             this user may write to the database (and, for SQLite, to its folder)"
            )
        })?;
    let mut settings = Settings::from_args(&args);
    settings.local_help = local_help;
    settings.mail = args
        .mail
        .settings()
        .map_err(|why| anyhow::anyhow!("mail is not configured right: {why}"))?;
    match &settings.mail {
        None => tracing::info!(
            "no mail configured: sign-up logs in at once, and there is no reset by e-mail"
        ),
        Some(mail) => tracing::info!(via = ?mail.via, "mail is sent from the outbox"),
    }
    let app = App::new(store.clone(), settings.clone(), Clock::System)?;
    let heads = app
        .check_heads()
        .await
        .context("checking where the records end")?;
    if let Some(file) = goldseam::store::sqlite_file(&args.storage) {
        let path = Witness::path_for(&file);
        let (witness, mut seen) =
            Witness::open(&path).with_context(|| format!("opening {}", path.display()))?;
        if args.init && heads.is_empty() {
            // A new instance on purpose: whatever an earlier one saw is not ours to miss.
            seen.clear();
        }
        app.keep_witness(witness, &seen, heads)
            .with_context(|| format!("rewriting {}", path.display()))?;
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("listening on {}", args.bind))?;
    tracing::info!(address = %args.bind, database = store.backend(), "Goldseam is running; open {}", settings.base_url);
    goldseam::web::serve(listener, app, shutdown_signal())
        .await
        .context("serving")?;
    // Connections cut at the end of the grace period may still hold database connections
    // for a moment; the process does not wait on them for long.
    if tokio::time::timeout(SHUTDOWN_CLOSE, store.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still busy at exit are dropped");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; requests in flight are then finished before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down after requests in flight");
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let space = args
        .space
        .parse()
        .map_err(|_| anyhow::anyhow!("{:?} is not a space id", args.space))?;
    let store = Store::open(&args.storage, Creating::Never).await?;
    let events = store.events_after(space, 0).await?;
    if events.is_empty() {
        anyhow::bail!("there is no space with id {space}");
    }
    let looks = store.looks(space).await?;
    let json = goldseam::export::Export::new(space, &events, Clock::System.now_us())
        .with_looks(looks.into_iter().map(|l| (l.person_id, l.at_us, l.page)))
        .to_json();
    std::fs::write(&args.out, json).with_context(|| format!("writing {}", args.out.display()))?;
    println!("Wrote {} events to {}", events.len(), args.out.display());
    Ok(())
}

fn verify(args: &VerifyArgs) -> ExitCode {
    let json = match std::fs::read_to_string(&args.file) {
        Ok(json) => json,
        Err(err) => {
            eprintln!("goldseam: reading {}: {err}", args.file.display());
            return ExitCode::from(2);
        }
    };
    match goldseam::export::verify(&json) {
        Ok(ok) => {
            println!(
                "OK: {} events of space {} verify. Head fingerprint: {}",
                ok.events,
                ok.space,
                goldseam::domain::record::fingerprint(&ok.head)
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            println!("FAILED: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.storage(), Creating::Allowed).await?;
    let app = App::new(store.clone(), Settings::default(), Clock::System)?;
    let seed = args.seed.unwrap_or_else(rand::random);
    let demo = app
        .create_demo(args.years, seed)
        .await
        .context("creating the demo space")?;
    store.close().await;
    let years = if demo.years == 1 { "year" } else { "years" };
    println!(
        "Created a demo space with {} {years} of history: {} events (seed {}).",
        demo.years, demo.events, demo.seed
    );
    println!();
    println!("  space  {}", demo.space);
    for (partner, role) in [
        (&demo.hurt, "the partner who was hurt"),
        (&demo.broke, "the partner who broke trust"),
    ] {
        println!();
        println!("  {}, {role}", partner.name);
        println!("    email       {}", partner.email);
        println!("    passphrase  {}", partner.passphrase);
    }
    println!();
    println!(
        "Start the server on it with `goldseam --data-dir {}` (or the same --database-url) and log in as either partner.",
        args.data_dir.display()
    );
    Ok(())
}
