//! The canary: a sentence written only into a journal entry, and another only into a letter
//! draft, must be nowhere an operator can look — the SQLite file with its WAL and shm, the
//! space's export and `goldseam export`, the server's log — neither as text, nor as its
//! UTF-8 bytes in hex or base64. On PostgreSQL: every table's rows read as text, and
//! `pg_dump`'s output where `pg_dump` is installed. A sentence sent in a letter (so in
//! the shared record, in clear) is searched the same way and must be found: the search
//! can fail.

use std::path::Path;

use reqwest::StatusCode;

#[allow(dead_code)]
#[path = "../crash/server.rs"]
mod server;

use crate::helpers::{Backend, Client, PASSWORD, every_row_as_text, holds, ok};

const JOURNAL: &str = "Canary in the journal: the lighthouse keeper counts eleven gulls at dusk.";
const DRAFT: &str = "Canary in a draft: my grandmother's blue teapot cracked on a Thursday.";
const SHARED: &str = "Canary in the record: the ferry to the island leaves at seven.";

/// Sam and Alex in a space; Sam writes the two private sentences, Alex sends the shared
/// one. Returns Sam and the space's path.
async fn write_the_canaries(base: &str) -> (Client, String) {
    let sam = Client::new(base);
    let email = "canary-sam@example.org";
    assert_eq!(
        sam.signup(email, "Sam", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    sam.set_email(email);
    let space = sam.create_space("Sam & Alex").await;
    let link = sam.invite_link(&space).await;
    let invite = &link[link.find("/invite/").expect("an invite path")..];
    let alex = Client::new(base);
    assert_eq!(
        alex.signup("canary-alex@example.org", "Alex", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    ok(&alex, invite, &[]).await;

    assert_eq!(
        sam.post("/journal/recovery", &[]).await.status,
        StatusCode::OK
    );
    ok(&sam, "/journal/recovery/confirm", &[]).await;
    ok(
        &sam,
        "/journal",
        &[("date", "2026-11-30"), ("text", JOURNAL), ("prompt", "")],
    )
    .await;
    let draft = sam
        .post(
            &format!("{space}/letters"),
            &[("text", DRAFT), ("action", "save")],
        )
        .await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER, "{}", draft.text());
    ok(
        &alex,
        &format!("{space}/letters"),
        &[("text", SHARED), ("action", "send")],
    )
    .await;
    // Both are readable to Sam, and only to Sam.
    assert!(sam.get("/journal").await.reads("eleven gulls"));
    let drafts = sam.get(&format!("{space}/letters")).await;
    assert!(drafts.reads("blue teapot"), "{}", drafts.text());
    (sam, space)
}

fn read_all(paths: &[&Path]) -> Vec<(String, Vec<u8>)> {
    paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("read")))
        .collect()
}

fn assert_private(files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        for sentence in [JOURNAL, DRAFT] {
            assert!(
                !holds(bytes, sentence),
                "{sentence:?} is readable in {name}"
            );
        }
    }
}

#[tokio::test]
async fn nothing_private_is_readable_in_the_sqlite_files_the_exports_or_the_log() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let log = dir.path().join("server.log");
    let storage = server::Storage::Sqlite {
        data_dir: data.clone(),
    };
    // Debug: more than anyone runs in production, so more than they would see.
    let running = server::Server::start_logging(&storage, &log, true, "debug").await;
    let (sam, space) = write_the_canaries(&running.base).await;

    let id = space.trim_start_matches("/spaces/");
    let export = sam.get(&format!("{space}/export")).await;
    assert_eq!(export.status, StatusCode::OK);
    let web_export = dir.path().join("web-export.json");
    std::fs::write(&web_export, &export.body).expect("write the export");
    let cli_export = dir.path().join("cli-export.json");
    let exported = std::process::Command::new(env!("CARGO_BIN_EXE_goldseam"))
        .args(["export", "--space", id, "--out"])
        .arg(&cli_export)
        .arg("--data-dir")
        .arg(&data)
        .output()
        .expect("run export");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    // Killed, not stopped: the write-ahead log and shared memory are left as they were.
    running.kill();

    let db = data.join("goldseam.db");
    let wal = data.join("goldseam.db-wal");
    let shm = data.join("goldseam.db-shm");
    let mut paths = vec![db.as_path(), wal.as_path(), shm.as_path()];
    paths.extend([web_export.as_path(), cli_export.as_path(), log.as_path()]);
    let files = read_all(&paths);
    assert!(files.len() >= 5, "the database, exports and log were read");
    assert_private(&files);
    // Everything else in the data folder (the commit witness, anything new) too.
    for entry in std::fs::read_dir(&data).expect("the data folder") {
        let path = entry.expect("an entry").path();
        assert_private(&read_all(&[path.as_path()]));
    }
    // The search can fail: the shared letter is in the record, in clear, and found.
    let everything: Vec<u8> = files.iter().flat_map(|(_, b)| b.clone()).collect();
    assert!(holds(&everything, SHARED), "the control sentence is found");
    assert!(
        holds(&std::fs::read(&web_export).expect("export"), SHARED),
        "and in the export"
    );
}

#[tokio::test]
async fn nothing_private_is_readable_in_any_postgres_table_or_dump() {
    let Some(_) = crate::helpers::postgres() else {
        return;
    };
    let app = crate::helpers::spawn_app(Backend::Postgres).await;
    write_the_canaries(&app.base).await;
    let goldseam::store::Store::Postgres(pool) = app.app.store() else {
        panic!("a PostgreSQL store");
    };
    let rows = every_row_as_text(app.app.store()).await;
    let tables: std::collections::BTreeSet<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
    assert!(tables.len() > 10, "{tables:?}");
    let mut everything = Vec::new();
    for (table, row) in rows {
        assert_private(&[(table, row.clone().into_bytes())]);
        everything.extend(row.into_bytes());
    }
    assert!(holds(&everything, SHARED), "the control sentence is found");

    // pg_dump, where it is installed: the same schema as the database keeps it.
    let schema: (String,) = sqlx::query_as("SELECT current_schema()::text")
        .fetch_one(pool)
        .await
        .expect("the schema");
    let url = std::env::var("GOLDSEAM_TEST_POSTGRES_URL").expect("url");
    match std::process::Command::new("pg_dump")
        .args(["--schema", &schema.0, &url])
        .output()
    {
        Ok(dump) if dump.status.success() => {
            assert_private(&[("pg_dump".to_owned(), dump.stdout.clone())]);
            assert!(
                holds(&dump.stdout, SHARED),
                "the control sentence is in the dump"
            );
        }
        Ok(dump) => panic!("pg_dump failed: {}", String::from_utf8_lossy(&dump.stderr)),
        Err(_) => eprintln!("pg_dump is not installed; the dump was not searched"),
    }
}
