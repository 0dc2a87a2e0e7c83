//! `/admin/mail-accounts`: the mailboxes goats reads (OTRS's `mail_account`), for
//! administrators — list, add, change, set invalid, and "test connection", which logs in
//! and out with what the form holds and says what the server answered. Passwords are
//! never shown again; an empty password field keeps the stored one.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::Queue;
use goats_core::ports::{AccountKind, MailAccount};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

const KINDS: [AccountKind; 4] = [AccountKind::Imap, AccountKind::Imaps, AccountKind::Pop3, AccountKind::Pop3s];

#[derive(Template)]
#[template(path = "pages/admin_mail_accounts.html")]
struct AccountsPage {
    c: Chrome,
    accounts: Vec<MailAccount>,
    queues: Vec<Queue>,
}

impl AccountsPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "mail"
    }

    fn empty(&self) -> bool {
        self.accounts.is_empty()
    }
}

impl AccountsPage {
    fn queue_name(&self, account: &MailAccount) -> String {
        match account.queue_id {
            Some(id) => self.queues.iter().find(|q| q.id == id).map_or_else(|| id.to_string(), |q| q.name.clone()),
            None => self.c.t("admin-mail-by-rules").into_owned(),
        }
    }
}

/// What "test connection" found.
pub struct TestOutcome {
    pub ok: bool,
    pub message: String,
}

#[derive(Template)]
#[template(path = "pages/admin_mail_account.html")]
struct AccountPage {
    c: Chrome,
    /// `None` for a new account.
    id: Option<i32>,
    form: MailAccount,
    kinds: Vec<&'static str>,
    queues: Vec<Queue>,
    errors: FieldErrors,
    tested: Option<TestOutcome>,
}

impl AccountPage {
    fn chosen(&self, queue: &Queue) -> bool {
        self.form.queue_id == Some(queue.id)
    }
}

#[derive(Template)]
#[template(path = "partials/mail_account_test.html")]
struct TestResult {
    tested: Option<TestOutcome>,
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let accounts = desk.state.mail_admin.accounts(&desk.perms).await.map_err(fail)?;
    let queues = desk.state.lookups.queues().await.map_err(fail)?;
    let title = desk.tr().t("admin-mail-title");
    Ok(html(&AccountsPage { c: Chrome::for_desk(&desk, Nav::Admin, title), accounts, queues }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    let form = MailAccount {
        id: 0,
        login: String::new(),
        password: String::new(),
        host: String::new(),
        kind: Some(AccountKind::Imaps),
        queue_id: None,
        trusted: false,
        folder: None,
        valid: true,
    };
    render(&desk, None, form, FieldErrors::default(), None, StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<i32>) -> Result<Response, PageError> {
    let account = desk.state.mail_admin.account(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    render(&desk, Some(id), account, FieldErrors::default(), None, StatusCode::OK).await
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let form = read(&body, 0);
    match desk.state.mail_admin.create_account(&desk.perms, form.clone()).await {
        Ok(id) => {
            let done = desk.tr().v("admin-mail-created", &form.login);
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/mail-accounts/{id}")), &done))
        }
        Err(e) => refused(&desk, None, form, e).await,
    }
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<i32>, body: String) -> Result<Response, PageError> {
    // The account must exist (and the agent be an admin) before anything is read.
    desk.state.mail_admin.account(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = read(&body, id);
    match desk.state.mail_admin.update_account(&desk.perms, form.clone()).await {
        Ok(()) => {
            let done = desk.tr().v("admin-mail-saved", &form.login);
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/mail-accounts/{id}")), &done))
        }
        Err(e) => refused(&desk, Some(id), form, e).await,
    }
}

/// "Test connection" with what the form holds (`id` names a stored account whose
/// password stands in for an empty one). HTMX swaps in the result; without JavaScript
/// the whole form comes back with it.
#[handler]
pub async fn test(desk: Desk, body: String) -> Result<Response, PageError> {
    let id = FormText::parse(&body).get("id").parse::<i32>().ok().filter(|id| *id > 0);
    let form = read(&body, id.unwrap_or(0));
    let outcome = desk.state.mail_admin.test_account(&desk.perms, form.clone()).await;
    let (errors, tested) = match outcome {
        Ok(Ok(())) => {
            (FieldErrors::default(), Some(TestOutcome { ok: true, message: desk.tr().t("admin-mail-test-ok") }))
        }
        Ok(Err(why)) => (
            FieldErrors::default(),
            Some(TestOutcome { ok: false, message: desk.tr().v("admin-mail-test-failed", &why) }),
        ),
        Err(e) => (field_errors(&desk, e)?, None),
    };
    if desk.htmx && errors.is_empty() {
        return Ok(html(&TestResult { tested }));
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(&desk, id, form, errors, tested, status).await
}

/// The form's fields as an account; an unknown kind is none, which the service refuses.
fn read(body: &str, id: i32) -> MailAccount {
    let f = FormText::parse(body);
    MailAccount {
        id,
        login: f.get("login"),
        password: f.raw("password"),
        host: f.get("host"),
        kind: AccountKind::from_otrs(&f.get("kind")),
        queue_id: f.get("queue_id").parse().ok().filter(|q| *q > 0),
        trusted: f.get("trusted") == "1",
        folder: Some(f.get("folder")).filter(|s| !s.is_empty()),
        valid: f.get("valid") == "1",
    }
}

async fn refused(desk: &Desk, id: Option<i32>, form: MailAccount, e: DomainError) -> Result<Response, PageError> {
    let errors = field_errors(desk, e)?;
    render(desk, id, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A refusal of the service as the form's field errors; a failure that is no fault of
/// the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Invalid { field, .. } => match field {
            "login" => errors.add("login", tr.t("admin-mail-error-login")),
            "password" => errors.add("password", tr.t("admin-mail-error-password")),
            "host" => errors.add("host", tr.t("admin-mail-error-host")),
            "kind" => errors.add("kind", tr.t("admin-mail-error-kind")),
            _ => errors.add("queue_id", tr.t("admin-mail-error-queue")),
        },
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

async fn render(
    desk: &Desk,
    id: Option<i32>,
    mut form: MailAccount,
    errors: FieldErrors,
    tested: Option<TestOutcome>,
    status: StatusCode,
) -> Result<Response, PageError> {
    // A password typed is never sent back into the page.
    form.password.clear();
    let queues = desk.state.lookups.queues().await.map_err(|e| PageError::from_domain(desk, e))?;
    let title = match id {
        Some(_) => desk.tr().v("admin-mail-edit-title", &form.login),
        None => desk.tr().t("admin-mail-new-title"),
    };
    let kinds = KINDS.iter().map(|k| k.otrs_name()).collect();
    let page = AccountPage { c: Chrome::for_desk(desk, Nav::Admin, title), id, form, kinds, queues, errors, tested };
    Ok(html_status(&page, status))
}
