//! What the plain-program benchmarks share: an app on a fresh SQLite file (the server's own
//! settings and durability) with a demo space, and the hurt partner logged in.

use std::net::{IpAddr, Ipv4Addr};

use goldseam::app::{App, Clock, DemoSpace, LoginInput};
use goldseam::config::{Settings, StorageArgs};
use goldseam::store::{Creating, Store};

pub struct Bench {
    pub app: App,
    pub demo: DemoSpace,
    /// The session token of the partner who was hurt (Sam).
    pub token: String,
    /// Keeps the database folder until the benchmark ends.
    _dir: tempfile::TempDir,
}

/// `years` of demo history in a new SQLite database, with Sam logged in.
pub async fn demo_app(years: u32, settings: Settings) -> anyhow::Result<Bench> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(
        &StorageArgs {
            data_dir: dir.path().to_path_buf(),
            database_url: None,
        },
        Creating::Allowed,
    )
    .await?;
    let app = App::new(store, settings, Clock::System)?;
    let demo = app.create_demo(years, 7).await?;
    let token = app
        .log_in(LoginInput {
            email: &demo.hurt.email,
            password: &demo.hurt.passphrase,
            client: IpAddr::V4(Ipv4Addr::LOCALHOST),
            device: None,
        })
        .await?
        .token;
    Ok(Bench {
        app,
        demo,
        token,
        _dir: dir,
    })
}
