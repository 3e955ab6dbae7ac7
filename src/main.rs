//! The `goldseam` binary: parse the configuration, set up logging, run the command.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use goldseam::app::{App, Clock};
use goldseam::config::{
    AdminCommand, BackupArgs, Cli, Command, DemoArgs, ExportArgs, RestoreArgs, ServeArgs, Settings,
    StorageArgs, VerifyArgs,
};
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
        Some(Command::Backup(args)) => backup(args).await,
        Some(Command::Restore(args)) => restore(args).await,
        Some(Command::Admin(args)) => admin(args.command).await,
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
    let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
    if let Some(bind) = args.metrics_bind {
        let metrics = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("listening for metrics on {bind}"))?;
        tracing::info!(address = %bind, "serving metrics at /metrics");
        let served = goldseam::web::serve_metrics(metrics, app.clone(), async {
            let _ = metrics_stopped.await;
        });
        tokio::spawn(async move {
            if let Err(err) = served.await {
                tracing::error!(error = %err, "the metrics listener stopped");
            }
        });
    }
    tracing::info!(address = %args.bind, database = store.backend(), "Goldseam is running; open {}", settings.base_url);
    let served = goldseam::web::serve(listener, app, shutdown_signal()).await;
    let _ = stop_metrics.send(());
    served.context("serving")?;
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

async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let done = goldseam::ops::backup(&args.storage, &args.out).await?;
    println!(
        "Backed up {} spaces ({} events, {} bytes) to {} in {:.1} s. SQLite's integrity check \
         says ok and every space's chain verifies in the copy.",
        done.checked.spaces,
        done.checked.events,
        done.bytes,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let replacing = if args.force {
        goldseam::ops::Replacing::Force
    } else {
        goldseam::ops::Replacing::Refuse
    };
    let done = goldseam::ops::restore(&args.storage, &args.file, replacing).await?;
    println!(
        "Restored {} spaces ({} events) from {} to {}; every chain verifies, and the heads \
         file beside it now matches the backup.",
        done.checked.spaces,
        done.checked.events,
        args.file.display(),
        done.database.display()
    );
    if let Some(kept) = done.kept {
        println!(
            "The database that was there is kept as {}; delete it once the restored one serves well.",
            kept.display()
        );
    }
    println!("Start the server as usual.");
    Ok(())
}

async fn admin(command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::Accounts { storage } => {
            let store = Store::open(&storage, Creating::Never).await?;
            let accounts = store.accounts().await;
            store.close().await;
            let accounts = accounts.context("reading the accounts")?;
            println!("{:<20}  {:<20}  e-mail", "created (UTC)", "switched off");
            for account in &accounts {
                println!(
                    "{:<20}  {:<20}  {}",
                    utc(account.created_at),
                    account.disabled_at.map_or_else(|| "-".to_owned(), utc),
                    account.email
                );
            }
            println!("{} accounts", accounts.len());
        }
        AdminCommand::Disable { email, storage } => {
            switch(&storage, &email, Some(Clock::System.now_secs())).await?;
            println!("{email} is switched off: it cannot log in, and its sessions have ended.");
        }
        AdminCommand::Enable { email, storage } => {
            switch(&storage, &email, None).await?;
            println!("{email} is switched on again: it can log in.");
        }
        AdminCommand::Erase {
            email,
            confirmed,
            storage,
        } => {
            anyhow::ensure!(
                confirmed,
                "Nothing was erased. Erasing cannot be undone: add --confirmed to go ahead."
            );
            let store = Store::open_existing(&storage).await?;
            let app = App::new(store.clone(), Settings::default(), Clock::System)?;
            let erased = app.erase_account_by_operator(&email).await;
            store.close().await;
            match erased.map_err(|e| anyhow::anyhow!("{e}"))? {
                true => println!(
                    "{email} is erased: its words left every record, it left every space, and \
                     the account is gone."
                ),
                false => anyhow::bail!("no account has the e-mail {email}"),
            }
        }
        AdminCommand::Check { storage } => {
            let store = Store::open_existing(&storage).await?;
            let outcome = async {
                let size = store.size_bytes().await.context("reading the size")?;
                println!("database: {} ({size} bytes)", store.backend());
                goldseam::ops::check_database(&store).await
            }
            .await;
            store.close().await;
            let checked = outcome.context("THE DATABASE DID NOT CHECK OUT")?;
            println!(
                "integrity: ok; {} spaces, {} events, every chain verifies",
                checked.spaces, checked.events
            );
        }
    }
    Ok(())
}

/// Switches the account with `email` off (`Some(now)`) or on (`None`).
async fn switch(storage: &StorageArgs, email: &str, at: Option<i64>) -> anyhow::Result<()> {
    let parsed = goldseam::domain::input::Email::parse(email)
        .map_err(|why| anyhow::anyhow!("{email:?} is not an e-mail address: {why}"))?;
    let store = Store::open(storage, Creating::Never).await?;
    let found = store.set_disabled(&parsed.normalized(), at).await;
    store.close().await;
    match found.context("changing the account")? {
        Some(_) => Ok(()),
        None => anyhow::bail!("no account has the e-mail {email}"),
    }
}

/// Seconds since the epoch as a UTC date and time.
fn utc(secs: i64) -> String {
    jiff::Timestamp::from_second(secs).map_or_else(
        |_| secs.to_string(),
        |t| t.strftime("%Y-%m-%d %H:%M:%S").to_string(),
    )
}
