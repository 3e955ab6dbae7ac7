//! Resident memory after many log-ins (issue: under 100 MB after 1,000). Each log-in checks
//! a password with argon2id over 19 MiB; what the process keeps afterwards depends on where
//! that memory comes from. Two cases, each in a process of its own so one cannot hide the
//! other's growth:
//!
//! - the app's own log-ins (`App::log_in`, argon2 working in the memory `app::hashing`
//!   keeps and reuses), eight at a time, on a fresh SQLite database;
//! - the same number of checks with argon2 allocating its memory for each one
//!   (`PasswordVerifier::verify_password`, as log-ins did before), from blocking threads,
//!   two at a time as the app allows: the baseline, measured in the same run.
//!
//! Prints resident memory before, and after each quarter; asserts nothing.
//!
//! Run: `cargo bench --bench logins`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use goldseam::app::LoginInput;
use goldseam::config::Settings;

mod support;

const LOG_INS: usize = 1000;
const AT_ONCE: usize = 8;

fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn app_log_ins() -> anyhow::Result<()> {
    let bench = support::demo_app(1, Settings::default()).await?;
    anyhow::ensure!(!bench.token.is_empty(), "the demo partner could not log in");
    let (email, password) = (
        bench.demo.hurt.email.clone(),
        bench.demo.hurt.passphrase.clone(),
    );
    println!(
        "app log-ins, argon2 memory reused: {:.0} MB resident before",
        resident_mb()
    );
    let app = bench.app.clone();
    for quarter in 1..=4 {
        let mut tasks = Vec::new();
        for lane in 0..AT_ONCE {
            let (app, email, password) = (app.clone(), email.clone(), password.clone());
            tasks.push(tokio::spawn(async move {
                let mut done = 0;
                for n in 0..LOG_INS / 4 {
                    if n % AT_ONCE != lane {
                        continue;
                    }
                    let input = LoginInput {
                        email: &email,
                        password: &password,
                        client: IpAddr::V4(Ipv4Addr::LOCALHOST),
                        device: None,
                    };
                    if app.log_in(input).await.is_ok() {
                        done += 1;
                    }
                }
                done
            }));
        }
        let mut done = 0;
        for task in tasks {
            done += task.await?;
        }
        println!(
            "  after {} log-ins ({done} of this quarter succeeded): {:.0} MB resident",
            quarter * LOG_INS / 4,
            resident_mb()
        );
    }
    Ok(())
}

async fn allocating_checks() -> anyhow::Result<()> {
    let params = argon2::Params::new(19 * 1024, 2, 1, None).map_err(anyhow::Error::msg)?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let phc = argon
        .hash_password(b"a passphrase to check", &salt)
        .map_err(anyhow::Error::msg)?
        .to_string();
    let permits = Arc::new(tokio::sync::Semaphore::new(2));
    println!(
        "argon2 allocating its own memory: {:.0} MB resident before",
        resident_mb()
    );
    for quarter in 1..=4 {
        let mut tasks = Vec::new();
        for _ in 0..LOG_INS / 4 {
            let (permits, phc, argon) = (permits.clone(), phc.clone(), argon.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                tokio::task::spawn_blocking(move || {
                    PasswordHash::new(&phc).is_ok_and(|parsed| {
                        argon
                            .verify_password(b"a passphrase to check", &parsed)
                            .is_ok()
                    })
                })
                .await
                .unwrap_or(false)
            }));
        }
        let mut done = 0;
        for task in tasks {
            done += usize::from(task.await.unwrap_or(false));
        }
        println!(
            "  after {} checks ({done} of this quarter matched): {:.0} MB resident",
            quarter * LOG_INS / 4,
            resident_mb()
        );
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let case = std::env::args().skip_while(|a| a != "--case").nth(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match case.as_deref() {
        Some("app") => runtime.block_on(app_log_ins()),
        Some("allocating") => runtime.block_on(allocating_checks()),
        _ => {
            for case in ["allocating", "app"] {
                let status = std::process::Command::new(std::env::current_exe()?)
                    .args(["--case", case])
                    .status()?;
                anyhow::ensure!(status.success(), "case {case} failed: {status}");
            }
            Ok(())
        }
    }
}
