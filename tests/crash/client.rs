//! A partner as a browser would be one: a cookie jar, the session's CSRF token, forms.
//! The session lives in the database, so the same cookie and token work again after the
//! server was killed and started on another port (cookies are not scoped by port).

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::cookie::Jar;

pub const PASSWORD: &str = "lantern orbit velvet cactus";

/// A request that gets no answer in this long has hung; the writer then stops, as it does
/// when the server is killed. Nothing is asserted about how long anything takes.
const REQUEST_HANG: Duration = Duration::from_secs(60);

/// A response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: String,
    pub body: String,
}

impl Page {
    /// The `value` of the element with `id="…"`.
    pub fn value_of(&self, id: &str) -> Option<String> {
        let at = self.body.find(&format!("id=\"{id}\""))?;
        let rest = &self.body[at..];
        let start = rest.find("value=\"")? + 7;
        let end = rest[start..].find('"')?;
        Some(
            rest[start..start + end]
                .replace("&#38;", "&")
                .replace("&amp;", "&"),
        )
    }

    fn csrf(&self) -> Option<String> {
        let at = self.body.find("name=\"csrf\" value=\"")? + 19;
        let end = self.body[at..].find('"')?;
        Some(self.body[at..at + end].to_owned())
    }
}

#[derive(Clone)]
pub struct Partner {
    base: String,
    jar: Arc<Jar>,
    http: reqwest::Client,
    csrf: String,
}

impl Partner {
    /// Signs up a new person (which logs them in) on the server at `base`.
    pub async fn sign_up(base: &str, name: &'static str) -> Partner {
        let jar = Arc::new(Jar::default());
        let mut partner = Partner {
            base: base.to_owned(),
            http: http_client(&jar),
            jar,
            csrf: String::new(),
        };
        partner.csrf = partner.read_csrf("/signup").await;
        let email = format!(
            "{}-{}@example.org",
            name.to_lowercase(),
            uuid::Uuid::new_v4().simple()
        );
        let page = partner
            .post(
                "/signup",
                &[
                    ("email", &email),
                    ("display_name", name),
                    ("password", PASSWORD),
                ],
            )
            .await
            .expect("sign up");
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-up of {name}: {}",
            page.body
        );
        // A session has its own token, replacing the visitor's.
        partner.csrf = partner.read_csrf("/").await;
        partner
    }

    async fn read_csrf(&self, path: &str) -> String {
        let page = self.get(path).await.expect("GET a page with a form");
        page.csrf()
            .unwrap_or_else(|| panic!("no CSRF field on {path}: {}", page.body))
    }

    /// The same person and session on a server started again at `base`, over new
    /// connections (those to the killed process are dead).
    pub fn reconnect(&mut self, base: &str) {
        base.clone_into(&mut self.base);
        self.http = http_client(&self.jar);
    }

    pub async fn get(&self, path: &str) -> Result<Page, reqwest::Error> {
        let response = self.http.get(format!("{}{path}", self.base)).send().await?;
        Ok(read(response).await)
    }

    /// Posts a form the way a browser would, with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Result<Page, reqwest::Error> {
        let mut form = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await?;
        Ok(read(response).await)
    }

    /// Creates a space and returns its id.
    pub async fn create_space(&self, name: &str) -> String {
        let page = self
            .post("/spaces", &[("name", name)])
            .await
            .expect("create a space");
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "create a space: {}",
            page.body
        );
        page.location
            .strip_prefix("/spaces/")
            .unwrap_or_else(|| panic!("a space's address, not {:?}", page.location))
            .to_owned()
    }

    /// The invite link on a space's page, as a path on this server.
    pub async fn invite_path(&self, space: &str) -> String {
        let page = self
            .get(&format!("/spaces/{space}"))
            .await
            .expect("the space page");
        let link = page
            .value_of("invite-link")
            .unwrap_or_else(|| panic!("no invite link on the space page: {}", page.body));
        link.strip_prefix(&self.base).unwrap_or(&link).to_owned()
    }
}

fn http_client(jar: &Arc<Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_HANG)
        .build()
        .expect("an HTTP client")
}

/// Reads a response. Once the status line has arrived the server has decided, so a body
/// cut off by the kill still counts as the answer it began.
async fn read(response: reqwest::Response) -> Page {
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    Page {
        status,
        location,
        body,
    }
}
