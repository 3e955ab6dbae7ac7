//! The real binary at start, as an operator meets it: a first run makes its data folder;
//! an emptied folder, a missing database file or an empty PostgreSQL database is refused
//! unless `--init` says it is meant to be new; a database that takes no writes is refused
//! with what to check; and a record whose stored head its events do not reach is named
//! loudly in the log at start.

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use goldseam::domain::SpaceId;
use reqwest::StatusCode;

use crate::helpers::{Backend, Client, postgres};

/// The server binary, with no configuration from the environment.
fn goldseam() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_goldseam"));
    command
        .env_remove("GOLDSEAM_DATABASE_URL")
        .env_remove("GOLDSEAM_DATA_DIR")
        .env_remove("GOLDSEAM_INIT")
        .env("GOLDSEAM_LOG", "info");
    command
}

/// A running server, killed when dropped so a failing test leaves nothing behind.
struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a start ended: it serves (and answers `/readyz`), or it exited with its stderr.
enum Started {
    Serving(Running),
    Exited { code: Option<i32>, stderr: String },
}

impl Started {
    fn serving(self) -> Running {
        match self {
            Self::Serving(running) => running,
            Self::Exited { code, stderr } => panic!("exited ({code:?}) instead:\n{stderr}"),
        }
    }

    fn refused(self) -> String {
        match self {
            Self::Serving(running) => panic!("it started on {}", running.base),
            Self::Exited { code, stderr } => {
                assert_eq!(code, Some(1), "{stderr}");
                stderr
            }
        }
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts `goldseam` with `args` and waits until it is ready or has exited.
async fn start(args: &[&str], storage: &[String]) -> Started {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = goldseam()
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(storage)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start goldseam");
    let mut running = Running { child, base };
    for _ in 0..300 {
        if let Some(status) = running.child.try_wait().expect("poll the server") {
            let mut stderr = String::new();
            if let Some(mut pipe) = running.child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            return Started::Exited {
                code: status.code(),
                stderr,
            };
        }
        if let Ok(response) = reqwest::get(format!("{}/readyz", running.base)).await
            && response.status() == StatusCode::OK
        {
            return Started::Serving(running);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("goldseam neither served nor exited");
}

/// Stops a server and returns what it logged.
fn stop(mut running: Running) -> String {
    let _ = running.child.kill();
    let _ = running.child.wait();
    let mut stderr = String::new();
    if let Some(mut pipe) = running.child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    stderr
}

/// Sam and Alex sign up on the server at `base`, and Alex joins Sam's new space through
/// its invite link; returns the space's path.
async fn couple_on(base: &str) -> String {
    let sam = Client::new(base);
    sam.signup("sam@example.com", "Sam", crate::helpers::PASSWORD)
        .await;
    let space = sam.create_space("Sam & Alex").await;
    let link = sam.invite_link(&space).await;
    let alex = Client::new(base);
    alex.signup("alex@example.com", "Alex", crate::helpers::PASSWORD)
        .await;
    let joined = alex.post(&alex.path_of(&link), &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    space
}

fn data_dir(path: &Path) -> Vec<String> {
    vec!["--data-dir".into(), path.display().to_string()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_run_makes_its_folder_and_a_later_start_finds_the_same_data() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("goldseam-data");
    let first = start(&[], &data_dir(&data)).await.serving();
    let sam = Client::new(&first.base);
    sam.signup("sam@example.com", "Sam", crate::helpers::PASSWORD)
        .await;
    drop(first);
    assert!(data.join("goldseam.db").exists());

    // The same folder again: the account is there.
    let again = start(&[], &data_dir(&data)).await.serving();
    let sam = Client::new(&again.base);
    let page = sam.login("sam@example.com", crate::helpers::PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emptied_data_folder_is_not_quietly_a_new_instance() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("goldseam-data");
    drop(start(&[], &data_dir(&data)).await.serving());
    // Someone empties the folder (a lost volume, a wrong mount, a slip of rm).
    for entry in std::fs::read_dir(&data).expect("read the folder") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove");
    }

    let stderr = start(&[], &data_dir(&data)).await.refused();
    assert!(stderr.contains("--init"), "{stderr}");
    assert!(stderr.contains("restore it from a backup"), "{stderr}");
    assert!(
        !data.join("goldseam.db").exists(),
        "nothing is created when refusing"
    );

    // Said on purpose, it starts new.
    let fresh = start(&["--init"], &data_dir(&data)).await.serving();
    assert!(stop(fresh).contains("setting up a new, empty database"));
    assert!(data.join("goldseam.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_postgres_database_needs_init() {
    let Some(Backend::Postgres) = postgres() else {
        return;
    };
    let url = postgres_schema().await;
    let storage = vec!["--database-url".to_owned(), url];
    let stderr = start(&[], &storage).await.refused();
    assert!(stderr.contains("holds no Goldseam data"), "{stderr}");
    assert!(stderr.contains("--init"), "{stderr}");

    drop(start(&["--init"], &storage).await.serving());
    // Initialised once, it starts without the flag from then on.
    drop(start(&[], &storage).await.serving());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_takes_no_writes_is_refused_with_what_to_check() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("goldseam-data");
    drop(start(&[], &data_dir(&data)).await.serving());
    // Read-only as SQLite sees it (the tests run as root, so file modes would not stop
    // a write): the same file, opened read-only.
    let url = format!("sqlite://{}?mode=ro", data.join("goldseam.db").display());
    let stderr = start(&[], &["--database-url".to_owned(), url])
        .await
        .refused();
    assert!(stderr.contains("does not take writes"), "{stderr}");
    assert!(stderr.contains("room"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_never_creates_a_database() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("nothing-here");
    let out = goldseam()
        .args(["export", "--space", &SpaceId::random().to_string(), "--out"])
        .arg(dir.path().join("out.json"))
        .arg("--data-dir")
        .arg(&data)
        .output()
        .expect("run export");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("There is no Goldseam database"), "{stderr}");
    assert!(!data.exists(), "export made a folder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_whose_events_stop_short_of_its_head_is_named_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("goldseam-data");
    let first = start(&[], &data_dir(&data)).await.serving();
    let space = couple_on(&first.base).await;
    drop(first);

    // The last committed event (Alex joining) goes missing underneath: a damaged or
    // stale write-ahead log, a partial restore.
    let id = space.trim_start_matches("/spaces/").to_owned();
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("goldseam.db").display()))
        .await
        .expect("open the database");
    // Damage does not go through the triggers that keep Goldseam itself from deleting.
    sqlx::query("DROP TRIGGER events_refuse_delete")
        .execute(&db)
        .await
        .expect("drop the trigger");
    sqlx::query("DELETE FROM events WHERE space_id = $1 AND seq = 2")
        .bind(&id)
        .execute(&db)
        .await
        .expect("remove the events");
    db.close().await;

    let damaged = start(&[], &data_dir(&data)).await.serving();
    let sam = Client::new(&damaged.base);
    sam.login("sam@example.com", crate::helpers::PASSWORD).await;
    let home = sam.get(&space).await;
    assert!(
        home.reads("record has been damaged where it is stored"),
        "{}",
        home.body
    );
    let log = stop(damaged);
    assert!(
        log.contains("DOES NOT END WHERE IT SHOULD") && log.contains(&id),
        "{log}"
    );
}

/// Ends a server as an operator does (SIGTERM), so it checkpoints and closes cleanly.
fn terminate(mut running: Running) {
    let pid = running.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(sent.success());
    // Far longer than any grace period here: a server still running then never stops.
    for _ in 0..300 {
        if let Some(status) = running.child.try_wait().expect("poll the server") {
            assert!(status.success(), "{status:?}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server was still running 30 s after SIGTERM");
}

/// Committed writes that only lived in the write-ahead log are lost underneath (the log
/// cut short, as by a bad copy or a damaged disk). SQLite reads the database as if it
/// were whole; the commit witness beside it names the loss at start, the space's pages
/// say so, and it takes nothing new.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_writes_lost_from_a_cut_write_ahead_log_are_named_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("goldseam-data");
    let first = start(&[], &data_dir(&data)).await.serving();
    let space = couple_on(&first.base).await;
    // A clean stop: everything so far is in the database file itself.
    terminate(first);

    let second = start(&[], &data_dir(&data)).await.serving();
    let sam = Client::new(&second.base);
    sam.login("sam@example.com", crate::helpers::PASSWORD).await;
    for n in 0..3 {
        let page = sam
            .post(
                &format!("{space}/questions"),
                &[("text", &format!("Question {n}, answered as saved"))],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    // Killed, so these answers live only in the write-ahead log; then the log is cut.
    drop(second);
    let wal = data.join("goldseam.db-wal");
    let length = std::fs::metadata(&wal).expect("a write-ahead log").len();
    assert!(
        length > 4096,
        "the log holds the questions ({length} bytes)"
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(&wal)
        .and_then(|f| f.set_len(length / 3))
        .expect("cut the log");

    let third = start(&[], &data_dir(&data)).await.serving();
    let sam = Client::new(&third.base);
    sam.login("sam@example.com", crate::helpers::PASSWORD).await;
    let home = sam.get(&space).await;
    assert!(
        home.reads("record has been damaged where it is stored"),
        "{}",
        home.body
    );
    let refused = sam
        .post(&format!("{space}/questions"), &[("text", "One more")])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let log = stop(third);
    assert!(
        log.contains("THE DATABASE HAS LOST COMMITTED ENTRIES"),
        "{log}"
    );
}

/// SIGTERM while a client is half-way through sending a request: the binary exits once
/// its grace period is over, instead of waiting for the client for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_slow_client_still_stops_the_server() {
    use tokio::io::AsyncWriteExt as _;

    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("goldseam-data");
    let running = start(
        &[
            "--shutdown-grace-secs",
            "1",
            "--header-read-secs",
            "600",
            "--body-read-secs",
            "600",
        ],
        &data_dir(&data),
    )
    .await
    .serving();
    let mut slow = tokio::net::TcpStream::connect(running.base.trim_start_matches("http://"))
        .await
        .expect("connect");
    slow.write_all(
        b"POST /login HTTP/1.1\r\nHost: goldseam\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 100\r\n\r\nemail=",
    )
    .await
    .expect("write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminate(running);
}

/// A fresh schema on the test PostgreSQL, as a URL the binary takes.
async fn postgres_schema() -> String {
    let url = std::env::var("GOLDSEAM_TEST_POSTGRES_URL").expect("postgres URL");
    let admin = sqlx::PgPool::connect(&url)
        .await
        .expect("connect PostgreSQL");
    let schema = format!(
        "gs_start_{}",
        SpaceId::random().to_string().replace('-', "")
    );
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}options=-c%20search_path%3D{schema}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_s_local_help_file_is_shown_and_a_broken_one_stops_the_start() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("goldseam-data");
    let file = dir.path().join("local-help.txt");
    std::fs::write(
        &file,
        "# Where this server's couples live\nCrisis line: 0800 000 000, day and night\n",
    )
    .expect("write");
    let path = file.display().to_string();
    let running = start(&["--local-help", &path], &data_dir(&data))
        .await
        .serving();
    let help = Client::new(&running.base).get("/help/safety").await;
    assert!(help.reads("Crisis line: 0800 000 000, day and night"));
    assert!(
        !help.has("Where this server's couples live"),
        "comments stay out"
    );
    drop(running);

    // A file that is missing, or holds a control character, stops the start and says why.
    let missing = dir.path().join("no-such-file.txt").display().to_string();
    let stderr = start(&["--local-help", &missing], &data_dir(&data))
        .await
        .refused();
    assert!(stderr.contains("local help file"), "{stderr}");
    std::fs::write(&file, "fine\nnot \u{7} fine\n").expect("write");
    let stderr = start(&["--local-help", &path], &data_dir(&data))
        .await
        .refused();
    assert!(stderr.contains("line 2"), "{stderr}");
}
