//! The `goldseam` binary: help text, export and verify, as an operator would run them.

use std::process::Command;

use crate::helpers::{Backend, couple, spawn_app};

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
