//! A signed-in browser for the page tests: its cookies and its session's CSRF token.

use poem::http::StatusCode;
use poem::test::TestResponse;

use super::World;

/// A browser: the cookies it holds and the CSRF token of its session.
pub struct Browser<'a> {
    pub w: &'a World,
    pub session: Option<String>,
    pub csrf: String,
}

pub fn set_cookie(resp: &TestResponse, name: &str) -> Option<String> {
    resp.0
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.to_string())
}

pub fn cookie_value(header: &str) -> String {
    header.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
}

pub fn location(resp: &TestResponse) -> String {
    resp.0.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

pub async fn text(resp: TestResponse) -> String {
    resp.0.into_body().into_string().await.unwrap()
}

/// The value of the first `name="_csrf"` field of a page.
pub fn csrf_field(html: &str) -> String {
    let at = html.find(r#"name="_csrf" value=""#).expect("the page has a CSRF field") + r#"name="_csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_string()
}

impl<'a> Browser<'a> {
    pub async fn sign_in(w: &'a World, login: &str, password: &str) -> Browser<'a> {
        let mut b = Browser { w, session: None, csrf: String::new() };
        let resp = b.try_login(login, password).await;
        resp.assert_status(StatusCode::SEE_OTHER);
        assert_eq!(location(&resp), "/dashboard");
        b.session = Some(cookie_value(&set_cookie(&resp, "goats_session").expect("a session cookie")));
        let page = b.get("/dashboard").await;
        page.assert_status_is_ok();
        b.csrf = csrf_field(&text(page).await);
        b
    }

    pub async fn try_login(&self, login: &str, password: &str) -> TestResponse {
        let form = self.w.cli.get("/login").send().await;
        form.assert_status_is_ok();
        let token = cookie_value(&set_cookie(&form, "goats_login_csrf").unwrap());
        let mut req = self.w.cli.post("/login").form(&[
            ("_csrf", token.as_str()),
            ("login", login),
            ("password", password),
            ("next", ""),
        ]);
        let mut cookies = format!("goats_login_csrf={token}");
        if let Some(s) = &self.session {
            cookies.push_str(&format!("; goats_session={s}"));
        }
        req = req.header("cookie", cookies);
        req.send().await
    }

    pub fn cookie(&self) -> String {
        format!("goats_session={}", self.session.clone().unwrap_or_default())
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.w.cli.get(path).header("cookie", self.cookie()).send().await
    }

    /// A form post as HTMX sends it: the token in the header.
    pub async fn htmx_post(&self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        self.w
            .cli
            .post(path)
            .header("cookie", self.cookie())
            .header("hx-request", "true")
            .header("x-csrf-token", &self.csrf)
            .form(&form)
            .send()
            .await
    }

    /// A plain form post: the token in the `_csrf` field.
    pub async fn form_post(&self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        let mut fields = vec![("_csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        self.w.cli.post(path).header("cookie", self.cookie()).form(&fields).send().await
    }
}

/// A customer's login at `/customer/login`, its CSRF token from the login cookie.
pub async fn customer_login(w: &World, login: &str, password: &str) -> TestResponse {
    let form = w.cli.get("/customer/login").send().await;
    form.assert_status_is_ok();
    let token = cookie_value(&set_cookie(&form, "goats_login_csrf").unwrap());
    w.cli
        .post("/customer/login")
        .header("cookie", format!("goats_login_csrf={token}"))
        .form(&[("_csrf", token.as_str()), ("login", login), ("password", password), ("next", "")])
        .send()
        .await
}
