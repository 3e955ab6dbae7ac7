//! The operator's tools through the real binary: `goldseam backup` while a writer appends,
//! `restore` into a fresh data folder (and its refusals), and `admin`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use goldseam::config::{DatabaseUrl, StorageArgs};
use goldseam::domain::SpaceId;
use goldseam::store::{Creating, Store, Witness};
use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, couple, ok, spawn_app, spawn_app_on};

crate::on_both_databases!(admin_lists_accounts_by_email_and_disables_and_enables_one);

fn goldseam() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_goldseam"));
    command
        .env_remove("GOLDSEAM_DATABASE_URL")
        .env_remove("GOLDSEAM_DATA_DIR");
    command
}

/// Runs `command` off the async threads, so a server in this process keeps serving.
async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("run goldseam"))
        .await
        .expect("join")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ran(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

fn sqlite_url(file: &Path) -> String {
    format!("sqlite://{}", file.display())
}

/// Every event of every space in `store`: (space, seq, hash, body).
async fn events_of(store: &Store) -> Vec<(SpaceId, u64, [u8; 32], Option<String>)> {
    let mut all = Vec::new();
    for row in store.heads().await.expect("heads") {
        let space: SpaceId = row.space_id.parse().expect("space id");
        for e in store.events_after(space, 0).await.expect("events") {
            all.push((space, e.seq, e.hash, e.body));
        }
    }
    all
}

/// [`events_of`] a database file no server has open.
async fn events_in(file: &Path) -> Vec<(SpaceId, u64, [u8; 32], Option<String>)> {
    let store = goldseam::store::open_sqlite_copy(file)
        .await
        .expect("open the database");
    let all = events_of(&store).await;
    store.close().await;
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_a_writer_appends_restores_whole_into_a_fresh_folder() {
    let app = spawn_app(Backend::Sqlite).await;
    let live = app.dir.path().join("test.db");
    let (sam, _alex, space) = couple(&app).await;

    // One writer appends without pause, keeping every text it was answered "saved" for.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acked, stop, space) = (acked.clone(), stop.clone(), space.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let text = format!("backup-writer note {n}");
                let page = sam
                    .post(&format!("{space}/together/ideas"), &[("text", &text)])
                    .await;
                assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
                acked.lock().expect("acked").push(text);
                n += 1;
            }
        })
    };
    while acked.lock().expect("acked").len() < 20 {
        tokio::task::yield_now().await;
    }

    let backup = app.dir.path().join("nightly.db");
    let before = acked.lock().expect("acked").clone();
    let mut command = goldseam();
    command
        .args(["backup", "--out"])
        .arg(&backup)
        .args(["--database-url", &sqlite_url(&live)]);
    let out = run(command).await;
    let during = acked.lock().expect("acked").len();
    let said = ran(&out, "backup");
    assert!(said.contains("every space's chain verifies"), "{said}");
    assert!(said.contains("integrity check says ok"), "{said}");
    // Keep writing a little after the copy, so the live record is ahead of the backup.
    while acked.lock().expect("acked").len() < during + 5 {
        tokio::task::yield_now().await;
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.expect("writer");
    assert!(
        during > before.len(),
        "the writer kept appending while the backup ran"
    );
    assert!(!backup.with_file_name(".nightly.db.partial").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&backup)
            .expect("backup")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the backup is readable by its owner only");
    }

    // A backup never replaces a file.
    let mut again = goldseam();
    again
        .args(["backup", "--out"])
        .arg(&backup)
        .args(["--database-url", &sqlite_url(&live)]);
    let out = run(again).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));

    // Restore into a data folder that does not exist yet.
    let fresh = tempfile::tempdir().expect("dir");
    let data = fresh.path().join("data");
    let mut restore = goldseam();
    restore
        .arg("restore")
        .arg(&backup)
        .arg("--data-dir")
        .arg(&data);
    let said = ran(&run(restore).await, "restore");
    assert!(said.contains("every chain verifies"), "{said}");
    let restored_file = data.join("goldseam.db");
    let restored = events_in(&restored_file).await;
    let now = events_of(app.app.store()).await;

    // Every write answered as saved before the backup began is there, in a record that is
    // exactly the beginning of the live one (same seqs, same hashes).
    let bodies: Vec<&str> = restored.iter().filter_map(|e| e.3.as_deref()).collect();
    for text in &before {
        assert!(
            bodies.iter().any(|b| b.contains(text.as_str())),
            "{text} was saved before the backup began but is not in it"
        );
    }
    assert!(
        restored.len() < now.len(),
        "the live record went on after the copy"
    );
    for (copy, original) in restored.iter().zip(&now) {
        assert_eq!(
            (copy.0, copy.1, copy.2),
            (original.0, original.1, original.2)
        );
    }

    // The heads file beside the restored database is the backup's own heads.
    let (_, seen) = Witness::open(&Witness::path_for(&restored_file)).expect("the heads file");
    let space_id: SpaceId = space.trim_start_matches("/spaces/").parse().expect("id");
    let last = restored.iter().rfind(|e| e.0 == space_id).expect("events");
    assert_eq!(seen.get(&space_id), Some(&(last.1, last.2)));
    assert!(!data.join("goldseam.db-wal").exists());

    // And the restored folder checks out by the operator's own command.
    let mut check = goldseam();
    check.args(["admin", "check", "--data-dir"]).arg(&data);
    let said = ran(&run(check).await, "admin check");
    assert!(said.contains("integrity: ok; 1 spaces"), "{said}");
    assert!(said.contains("every chain verifies"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_damaged_backup_and_an_existing_database_without_force() {
    let app = spawn_app(Backend::Sqlite).await;
    let live = app.dir.path().join("test.db");
    let (sam, _alex, space) = couple(&app).await;
    for n in 0..5 {
        let page = sam
            .post(
                &format!("{space}/together/ideas"),
                &[("text", &format!("a picnic by the lake, take {n}"))],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let backup = app.dir.path().join("backup.db");
    let mut command = goldseam();
    command
        .args(["backup", "--out"])
        .arg(&backup)
        .args(["--database-url", &sqlite_url(&live)]);
    ran(&run(command).await, "backup");
    let good = std::fs::read(&backup).expect("read the backup");

    let restore_into = |file: PathBuf, data: PathBuf, force: bool| {
        let mut command = goldseam();
        command.arg("restore").arg(file).arg("--data-dir").arg(data);
        if force {
            command.arg("--force");
        }
        run(command)
    };

    // Three kinds of damage: a recorded sentence changed (only the chain can tell), a
    // page's header overwritten (SQLite's own check, or opening, tells), not a database.
    let at = good
        .windows(b"take 3".len())
        .position(|w| w == b"take 3")
        .expect("the sentence is in the file");
    let mut changed = good.clone();
    changed[at + 5] = b'4';
    let mut torn = good.clone();
    let page = 4096.min(good.len() / 2);
    for byte in &mut torn[page..page + 64] {
        *byte ^= 0x5a;
    }
    for (name, bytes) in [
        ("changed", changed),
        ("torn", torn),
        ("text", b"not a database at all".repeat(300)),
    ] {
        let file = app.dir.path().join(format!("{name}.db"));
        std::fs::write(&file, bytes).expect("write");
        let data = app.dir.path().join(format!("restored-{name}"));
        let out = restore_into(file.clone(), data.clone(), false).await;
        assert!(!out.status.success(), "{name}: {}", stdout(&out));
        let said = stderr(&out);
        assert!(
            said.contains("is not a sound Goldseam backup, so nothing was restored"),
            "{name}: {said}"
        );
        assert!(!data.join("goldseam.db").exists(), "{name}");
        let left: Vec<_> = std::fs::read_dir(&data).expect("dir").collect();
        assert!(left.is_empty(), "{name}: nothing is left behind: {left:?}");
    }
    let changed_said = stderr(
        &restore_into(
            app.dir.path().join("changed.db"),
            app.dir.path().join("x"),
            false,
        )
        .await,
    );
    assert!(
        changed_said.contains("does not match its digest"),
        "the changed sentence is named as such: {changed_said}"
    );

    // A good backup over an existing database: refused without --force, and with it while
    // a server has the database open; then done, keeping the old one beside it.
    let target = app.dir.path().join("target");
    ran(
        &restore_into(backup.clone(), target.clone(), false).await,
        "first restore",
    );
    let out = restore_into(backup.clone(), target.clone(), false).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));

    let mut in_use = goldseam();
    in_use
        .arg("restore")
        .arg(&backup)
        .args(["--force", "--database-url", &sqlite_url(&live)]);
    let out = run(in_use).await;
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(stderr(&out).contains("is in use"), "{}", stderr(&out));

    // The database there has moved on since the backup: its heads file says so.
    let space_id = space.trim_start_matches("/spaces/");
    let newer = format!("{space_id} 999 {}\n", "ab".repeat(32));
    std::fs::write(target.join("goldseam.db-heads"), &newer).expect("heads");
    let said = ran(
        &restore_into(backup.clone(), target.clone(), true).await,
        "restore --force",
    );
    let heads = std::fs::read_to_string(target.join("goldseam.db-heads")).expect("heads");
    assert!(
        !heads.contains(" 999 "),
        "the backup's heads, not the replaced: {heads}"
    );
    assert!(heads.starts_with(space_id), "{heads}");
    assert!(said.contains("is kept as"), "{said}");
    let kept: Vec<String> = std::fs::read_dir(&target)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("goldseam.db.replaced-"))
        .collect();
    assert!(kept.iter().any(|n| !n.ends_with("-heads")), "{kept:?}");
    let kept_heads = kept
        .iter()
        .find(|n| n.ends_with("-heads"))
        .expect("kept heads");
    assert_eq!(
        std::fs::read_to_string(target.join(kept_heads)).expect("kept heads"),
        newer
    );
    assert!(target.join("goldseam.db-heads").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_on_postgresql_point_to_pg_dump() {
    let mut command = goldseam();
    command.args([
        "backup",
        "--out",
        "/nonexistent/x.db",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
    ]);
    let out = run(command).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("docs/operations.md"),
        "{}",
        stderr(&out)
    );
    let mut command = goldseam();
    command.args([
        "restore",
        "/nonexistent/x.db",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
    ]);
    let out = run(command).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("pg_restore"), "{}", stderr(&out));
}

/// Storage for the binary and for a server in this process: the SQLite file in a data
/// folder, or a fresh PostgreSQL schema named in the URL.
async fn storage_for(backend: Backend, dir: &Path) -> StorageArgs {
    let database_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let url = std::env::var("GOLDSEAM_TEST_POSTGRES_URL").expect("postgres URL");
            let admin = sqlx::PgPool::connect(&url)
                .await
                .expect("connect PostgreSQL");
            let schema = format!("gs_ops_{}", SpaceId::random().to_string().replace('-', ""));
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

fn admin(storage: &StorageArgs, args: &[&str]) -> Command {
    let mut command = goldseam();
    command.arg("admin").args(args);
    match &storage.database_url {
        Some(url) => command.args(["--database-url", &url.0]),
        None => command.arg("--data-dir").arg(&storage.data_dir),
    };
    command
}

async fn admin_lists_accounts_by_email_and_disables_and_enables_one(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let storage = storage_for(backend, dir.path()).await;
    let store = Store::open(&storage, Creating::Allowed)
        .await
        .expect("open");
    let app = spawn_app_on(store, dir, |_| {}).await;
    let (sam, alex, space) = couple(&app).await;
    app.advance(std::time::Duration::from_secs(3600));
    let robin = app.person("Robin").await;

    let listed = ran(&run(admin(&storage, &["accounts"])).await, "admin accounts");
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines.len(),
        5,
        "a heading, three accounts, a count: {listed}"
    );
    assert!(lines[3].ends_with(&robin.email()), "oldest first: {listed}");
    assert!(
        lines[1..3].iter().any(|l| l.ends_with(&sam.email())),
        "{listed}"
    );
    assert!(
        lines[1..3].iter().any(|l| l.ends_with(&alex.email())),
        "{listed}"
    );
    assert_eq!(lines[4], "3 accounts");
    for private in ["Sam", "Alex", "Robin", &space[8..]] {
        assert!(!listed.contains(private), "{private:?} in {listed}");
    }

    // Switched off: Alex's session ends at once, and the right password is refused with
    // its own calm words; a wrong one still reads as any wrong password does.
    let said = ran(
        &run(admin(&storage, &["disable", &alex.email().to_uppercase()])).await,
        "admin disable",
    );
    assert!(said.contains("switched off"), "{said}");
    let page = alex.get(&space).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login"), "{}", page.location());
    let page = alex.login(&alex.email(), PASSWORD).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.text());
    assert!(
        page.has("This account is switched off on this server"),
        "{}",
        page.text()
    );
    let page = alex
        .login(&alex.email(), "not the password at all, no")
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.has("That email and password don't match an account"));
    assert!(!page.has("switched off"));
    let listed = ran(&run(admin(&storage, &["accounts"])).await, "admin accounts");
    let alex_line = listed
        .lines()
        .find(|l| l.ends_with(&alex.email()))
        .expect("alex");
    assert!(
        !alex_line.contains(" -  "),
        "shown as switched off: {listed}"
    );
    let sam_line = listed
        .lines()
        .find(|l| l.ends_with(&sam.email()))
        .expect("sam");
    assert!(sam_line.contains(" -  "), "{listed}");
    assert_eq!(
        sam.get(&space).await.status,
        StatusCode::OK,
        "Sam is untouched"
    );

    ran(
        &run(admin(&storage, &["enable", &alex.email()])).await,
        "admin enable",
    );
    let page = alex.login(&alex.email(), PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());

    let out = run(admin(&storage, &["disable", "nobody@example.org"])).await;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no account has the e-mail"),
        "{}",
        stderr(&out)
    );

    let said = ran(&run(admin(&storage, &["check"])).await, "admin check");
    assert!(said.contains("integrity: ok; 1 spaces"), "{said}");
    assert!(
        said.contains(&format!("database: {}", app.app.store().backend())),
        "{said}"
    );

    // Erased by the operator, by the path the account page takes: not without saying yes;
    // then Alex's words and name leave the record, Alex leaves, and the account is gone.
    ok(
        &alex,
        &format!("{space}/letters"),
        &[
            ("text", "A letter only the operator's erasure removes."),
            ("action", "send"),
        ],
    )
    .await;
    let out = run(admin(&storage, &["erase", &alex.email()])).await;
    assert!(!out.status.success(), "not without --confirmed");
    assert!(
        stderr(&out).contains("Nothing was erased"),
        "{}",
        stderr(&out)
    );
    assert!(alex.get(&space).await.status.is_success());
    let said = ran(
        &run(admin(&storage, &["erase", &alex.email(), "--confirmed"])).await,
        "admin erase",
    );
    assert!(said.contains("is erased"), "{said}");
    let page = alex.login(&alex.email(), PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::UNAUTHORIZED,
        "like an unknown e-mail"
    );
    let listed = ran(&run(admin(&storage, &["accounts"])).await, "admin accounts");
    assert!(!listed.contains(&alex.email()), "{listed}");
    // This server folded the space before; it sees the erasure at its next read.
    let home = sam.get(&space).await;
    assert!(home.reads("This space is closed"), "{}", home.text());
    let letters = sam.get(&format!("{space}/letters")).await;
    assert!(!letters.reads("A letter only the operator's erasure removes."));
    let export = sam.get(&format!("{space}/export")).await;
    goldseam::export::verify(&export.body).expect("Sam's record still verifies");
    let out = run(admin(&storage, &["erase", &alex.email(), "--confirmed"])).await;
    assert!(
        stderr(&out).contains("no account has the e-mail"),
        "{}",
        stderr(&out)
    );
}

/// The service unit in contrib/ passes `systemd-analyze verify` with the built binary in
/// place of `/usr/local/bin/goldseam`. CI installs systemd's tools; elsewhere a machine
/// without them says so and skips.
#[test]
fn the_service_unit_passes_systemd_analyze_verify() {
    let found = Command::new("systemd-analyze").arg("--version").output();
    if found.is_err() {
        let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        assert!(
            !in_ci,
            "CI must have systemd-analyze (Debian's systemd package)"
        );
        eprintln!("systemd-analyze is not installed; the unit was not verified");
        return;
    }
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contrib/goldseam.service"
    ))
    .expect("the unit file");
    assert!(unit.contains("ExecStart=/usr/local/bin/goldseam serve"));
    let unit = unit.replace("/usr/local/bin/goldseam", env!("CARGO_BIN_EXE_goldseam"));
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("goldseam.service");
    std::fs::write(&path, unit).expect("write the unit");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("run systemd-analyze");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "systemd-analyze verify: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// One line of the text exposition: a comment, or `name{labels} value` with labels of the
/// form `key="value"`. Returns the sample's name and label values.
fn sample(line: &str) -> Option<(String, Vec<(String, String)>)> {
    if line.starts_with("# ") {
        return None;
    }
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    let (series, value) = line
        .rsplit_once(' ')
        .unwrap_or_else(|| panic!("no value: {line:?}"));
    assert!(
        value.parse::<f64>().is_ok(),
        "not a number: {value:?} in {line:?}"
    );
    let (name, labels) = match series.split_once('{') {
        None => (series, Vec::new()),
        Some((name, rest)) => {
            let inner = rest
                .strip_suffix('}')
                .unwrap_or_else(|| panic!("unclosed labels: {line:?}"));
            let mut labels = Vec::new();
            for pair in inner.split("\",").filter(|p| !p.is_empty()) {
                let (key, value) = pair
                    .split_once("=\"")
                    .unwrap_or_else(|| panic!("not key=\"value\": {pair:?} in {line:?}"));
                assert!(is_name(key), "label name {key:?} in {line:?}");
                let value = value.strip_suffix('"').unwrap_or(value);
                assert!(!value.contains('"'), "a quote inside {value:?} in {line:?}");
                labels.push((key.to_owned(), value.to_owned()));
            }
            (name, labels)
        }
    };
    assert!(is_name(name), "metric name {name:?} in {line:?}");
    Some((name.to_owned(), labels))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_name_route_templates_and_never_a_path_an_email_or_an_id() {
    let app = spawn_app(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let metrics = format!("http://{}", listener.local_addr().expect("addr"));
    let served = app.app.clone();
    tokio::spawn(async move {
        let _ = goldseam::web::serve_metrics(listener, served, std::future::pending()).await;
    });

    // A couple uses the app: an invite link with its secret, a few pages and writes, a
    // path no route serves that holds something secret-looking.
    let sam = app.person("Sam").await;
    let space = sam.create_space("Sam & Alex").await;
    let link = sam.invite_link(&space).await;
    let alex = app.person("Alex").await;
    let invite = alex.path_of(&link);
    assert_eq!(alex.get(&invite).await.status, StatusCode::OK);
    assert_eq!(alex.post(&invite, &[]).await.status, StatusCode::SEE_OTHER);
    let page = sam
        .post(
            &format!("{space}/together/ideas"),
            &[("text", "a swim at the quarry lake")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    for path in [
        space.clone(),
        format!("{space}/record"),
        format!("{space}/together"),
    ] {
        assert_eq!(alex.get(&path).await.status, StatusCode::OK, "{path}");
    }
    let stray = "/nowhere/hunter2-secret-token";
    assert_eq!(alex.get(stray).await.status, StatusCode::NOT_FOUND);

    let http = reqwest::Client::new();
    let scraped = http
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(scraped.status(), StatusCode::OK);
    let kind = scraped
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let text = scraped.text().await.expect("body");
    assert_eq!(text.lines().last(), Some("# EOF"), "{text}");

    let samples: Vec<_> = text.lines().filter_map(sample).collect();
    let series = |name: &str, route: &str| {
        samples
            .iter()
            .any(|(n, labels)| n == name && labels.iter().any(|(k, v)| k == "route" && v == route))
    };
    assert!(
        series("goldseam_http_requests_total", "/spaces/{id}"),
        "{text}"
    );
    assert!(
        series("goldseam_http_requests_total", "/invite/{token}"),
        "{text}"
    );
    assert!(
        series("goldseam_http_requests_total", "unmatched"),
        "{text}"
    );
    assert!(
        series(
            "goldseam_http_request_duration_seconds_bucket",
            "/spaces/{id}/record"
        ),
        "{text}"
    );
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    assert!(
        value("goldseam_append_duration_seconds_count") >= 3.0,
        "{text}"
    );
    assert!(value("goldseam_state_cache_hits_total") >= 1.0, "{text}");
    assert!(value("goldseam_state_cache_misses_total") >= 1.0, "{text}");
    assert!(value("goldseam_state_cache_size_bytes") > 0.0, "{text}");
    assert!(value("goldseam_state_cache_spaces") >= 1.0, "{text}");
    assert_eq!(value("goldseam_mail_outbox_depth"), 0.0, "{text}");

    // Nothing that names a person, a space or a secret.
    let Store::Sqlite(pool, _) = app.app.store() else {
        panic!("SQLite");
    };
    let persons: Vec<(String,)> = sqlx::query_as("SELECT id FROM persons")
        .fetch_all(pool)
        .await
        .expect("persons");
    let token = invite.rsplit('/').next().expect("token").to_owned();
    let mut secrets = vec![
        space.trim_start_matches("/spaces/").to_owned(),
        token,
        sam.email(),
        alex.email(),
        "example.org".to_owned(),
        "hunter2".to_owned(),
        "nowhere".to_owned(),
        "quarry".to_owned(),
        "Sam".to_owned(),
        "Alex".to_owned(),
    ];
    secrets.extend(persons.into_iter().map(|(id,)| id));
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret:?} in the metrics:\n{text}"
        );
    }
    // Every route label is a template of the router's own table, or "unmatched".
    let known = goldseam::web::route_paths();
    for (_, labels) in &samples {
        for (key, value) in labels {
            if key == "route" {
                assert!(
                    value == "unmatched" || known.contains(&value.as_str()),
                    "{value:?} is not a route template"
                );
            }
        }
    }

    // The listener serves the metrics and nothing else.
    let other = http
        .get(format!("{metrics}{space}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_answers_503_once_a_newer_version_migrated_the_database() {
    let app = spawn_app(Backend::Sqlite).await;
    let client = app.client();
    let page = client.get("/readyz").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let Store::Sqlite(pool, _) = app.app.store() else {
        panic!("SQLite");
    };
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99999999, 'from a newer version', TRUE, X'00', 0)",
    )
    .execute(pool)
    .await
    .expect("a newer migration");
    let page = client.get("/readyz").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("migrations"), "{}", page.body);
    assert!(page.headers.contains_key("retry-after"));
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
}
