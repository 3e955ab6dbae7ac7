//! The `goldseam` binary: help text, export, verify and demo, as an operator would run them.

use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Output};

use goldseam::app::{App, Clock, LoginInput};
use goldseam::config::{DatabaseUrl, Settings, StorageArgs};
use goldseam::domain::SpaceId;
use goldseam::store::{Creating, Store};

use crate::helpers::{Backend, couple, spawn_app};

crate::on_both_databases!(demo_writes_a_space_both_partners_can_log_in_to_and_that_verifies);

fn goldseam() -> Command {
    Command::new(env!("CARGO_BIN_EXE_goldseam"))
}

#[test]
fn help_documents_every_flag_and_its_environment_variable() {
    for args in [vec!["--help"], vec!["serve", "--help"]] {
        let out = goldseam().args(&args).output().expect("run goldseam");
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        for (flag, env) in [
            ("--bind", "GOLDSEAM_BIND"),
            ("--data-dir", "GOLDSEAM_DATA_DIR"),
            ("--database-url", "GOLDSEAM_DATABASE_URL"),
            ("--base-url", "GOLDSEAM_BASE_URL"),
            ("--secure-cookies", "GOLDSEAM_SECURE_COOKIES"),
            ("--init", "GOLDSEAM_INIT"),
            ("--shutdown-grace-secs", "GOLDSEAM_SHUTDOWN_GRACE_SECS"),
            ("--header-read-secs", "GOLDSEAM_HEADER_READ_SECS"),
            ("--body-read-secs", "GOLDSEAM_BODY_READ_SECS"),
            ("--metrics-bind", "GOLDSEAM_METRICS_BIND"),
        ] {
            assert!(
                help.contains(flag) && help.contains(env),
                "{args:?} help lacks {flag}/{env}:\n{help}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_verify_and_a_tampered_file_fails_naming_the_event() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_sam, _alex, space) = couple(&app).await;
    let id = space.trim_start_matches("/spaces/");
    let out = app.dir.path().join("record.json");
    let db = format!("sqlite://{}", app.dir.path().join("test.db").display());
    let exported = goldseam()
        .args(["export", "--space", id, "--out"])
        .arg(&out)
        .args(["--database-url", &db])
        .output()
        .expect("run export");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );

    let verified = goldseam()
        .arg("verify")
        .arg(&out)
        .output()
        .expect("run verify");
    let stdout = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "{stdout}");
    assert!(stdout.starts_with("OK: 2 events"), "{stdout}");

    let json = std::fs::read_to_string(&out).expect("read export");
    let tampered = json.replacen("\"seq\": 2", "\"seq\": 3", 1);
    std::fs::write(&out, tampered).expect("write");
    let failed = goldseam()
        .arg("verify")
        .arg(&out)
        .output()
        .expect("run verify");
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stdout.contains("FAILED: event #2 (seq 3): expected seq 2"),
        "{stdout}"
    );

    let unknown = goldseam()
        .args([
            "export",
            "--space",
            "00000000-0000-4000-8000-000000000000",
            "--out",
        ])
        .arg(app.dir.path().join("none.json"))
        .args(["--database-url", &db])
        .output()
        .expect("run export");
    assert!(!unknown.status.success());
}

/// Where a test's demo goes: a data folder for SQLite, a fresh schema for PostgreSQL.
async fn demo_storage(backend: Backend, dir: &std::path::Path) -> StorageArgs {
    let database_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let url = std::env::var("GOLDSEAM_TEST_POSTGRES_URL").expect("postgres URL");
            let admin = sqlx::PgPool::connect(&url)
                .await
                .expect("connect PostgreSQL");
            let schema = format!("gs_demo_{}", SpaceId::random().to_string().replace('-', ""));
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin)
                .await
                .expect("create schema");
            admin.close().await;
            let joiner = if url.contains('?') { '&' } else { '?' };
            Some(DatabaseUrl(format!(
                "{url}{joiner}options=-c%20search_path%3D{schema}"
            )))
        }
    };
    StorageArgs {
        data_dir: dir.join("data"),
        database_url,
    }
}

fn with_storage<'a>(command: &'a mut Command, storage: &StorageArgs) -> &'a mut Command {
    command
        .env_remove("GOLDSEAM_DATABASE_URL")
        .env_remove("GOLDSEAM_DATA_DIR");
    match &storage.database_url {
        Some(url) => command.args(["--database-url", &url.0]),
        None => command.arg("--data-dir").arg(&storage.data_dir),
    }
}

/// The value printed after `label` on a line of the demo's output.
fn printed(stdout: &str, label: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix(label))
        .map(|v| v.trim().to_owned())
        .collect()
}

fn assert_ran(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn demo_writes_a_space_both_partners_can_log_in_to_and_that_verifies(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = demo_storage(backend, dir.path()).await;
    let created = with_storage(
        goldseam().args(["demo", "--years", "1", "--seed", "7"]),
        &storage,
    )
    .output()
    .expect("run demo");
    let stdout = assert_ran(&created, "demo");
    assert!(stdout.contains("1 year of history"), "{stdout}");
    assert!(stdout.contains("log in as either partner"), "{stdout}");
    let space: SpaceId = printed(&stdout, "space")
        .first()
        .and_then(|s| s.parse().ok())
        .expect("the space's id is printed");
    let emails = printed(&stdout, "email");
    let passphrases = printed(&stdout, "passphrase");
    assert_eq!(emails.len(), 2, "{stdout}");
    assert!(emails[0].starts_with("sam.demo-") && emails[0].ends_with("@example.invalid"));
    assert!(emails[1].starts_with("alex.demo-") && emails[1].ends_with("@example.invalid"));
    assert!(
        passphrases.iter().all(|p| p.chars().count() >= 15),
        "{passphrases:?}"
    );

    // Both are real accounts, partners in the demo space.
    let store = Store::open(&storage, Creating::Never)
        .await
        .expect("open the store");
    let app = App::new(store.clone(), Settings::default(), Clock::System).expect("app");
    for (email, password) in emails.iter().zip(&passphrases) {
        let session = app
            .log_in(LoginInput {
                email,
                password,
                client: IpAddr::V4(Ipv4Addr::LOCALHOST),
                device: None,
            })
            .await
            .expect("a demo partner logs in");
        let state = app
            .space_for(session.person, space)
            .await
            .expect("their space");
        assert_eq!(state.partners.len(), 2);
    }
    store.close().await;

    let out = dir.path().join("demo.json");
    let exported = with_storage(
        goldseam()
            .args(["export", "--space", &space.to_string(), "--out"])
            .arg(&out),
        &storage,
    )
    .output()
    .expect("run export");
    assert_ran(&exported, "export");
    let verified = goldseam()
        .arg("verify")
        .arg(&out)
        .output()
        .expect("run verify");
    let stdout = assert_ran(&verified, "verify");
    let events: usize = stdout
        .strip_prefix("OK: ")
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        events >= 1_000,
        "a year of daily use is more than {events} events"
    );
}

#[test]
fn demo_refuses_years_out_of_range_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    for years in ["0", "21", "two"] {
        let out = goldseam()
            .args(["demo", "--years", years, "--data-dir"])
            .arg(&data)
            .env_remove("GOLDSEAM_DATABASE_URL")
            .output()
            .expect("run demo");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("invalid value '{years}' for '--years <YEARS>'")),
            "{stderr}"
        );
        if years != "two" {
            assert!(stderr.contains("1..=20"), "{stderr}");
        }
        assert!(!data.exists(), "--years {years} created the data folder");
    }
}

#[test]
fn demo_never_writes_where_the_server_s_environment_points() {
    let dir = tempfile::tempdir().expect("temp dir");
    let live = dir.path().join("live-data");
    let out = goldseam()
        .current_dir(dir.path())
        .env("GOLDSEAM_DATA_DIR", &live)
        .env(
            "GOLDSEAM_DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/live",
        )
        .args(["demo", "--years", "1", "--seed", "3"])
        .output()
        .expect("run demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!live.exists(), "the server's data folder is left alone");
    assert!(
        dir.path()
            .join("goldseam-demo")
            .join("goldseam.db")
            .exists(),
        "the demo has a folder of its own"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("--data-dir goldseam-demo"));
}
