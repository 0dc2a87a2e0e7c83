//! `/admin/states`, `/admin/priorities` and `/admin/types`: the names a ticket's state,
//! priority and type are chosen from — list, add, rename, set invalid (OTRS never deletes
//! them: old tickets keep theirs). A state's type (open, closed, pending…) is chosen when
//! it is added and decides what the state does. States and priorities have a colour,
//! shown beside their names on the agents' pages. One set of handlers serves the three;
//! which one a request is for, its path says.

use askama::Template;
use goats_core::DomainError;
use goats_core::admin::LookupChange;
use goats_core::model::{Colour, StateType};
use goats_core::ports::LookupKind;
use poem::http::{StatusCode, Uri};
use poem::web::Path;
use poem::{Response, handler};

use super::path_kind::PathKind;
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

/// Which of the three a page is about.
#[derive(Clone, Copy, PartialEq)]
struct Kind(LookupKind);

impl PathKind for Kind {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Kind(LookupKind::State), "states", "state"),
        (Kind(LookupKind::Priority), "priorities", "priority"),
        (Kind(LookupKind::Type), "types", "type"),
    ];
}

impl Kind {
    fn is_state(self) -> bool {
        self.0 == LookupKind::State
    }

    /// The colour a new one is shown in until the admin picks another; types have none.
    fn default_colour(self) -> Option<String> {
        match self.0 {
            LookupKind::State => Some(Colour::new_state().to_string()),
            LookupKind::Priority => Some(Colour::new_priority().to_string()),
            LookupKind::Type => None,
        }
    }
}

/// One state, priority or type; `state_type` for states only, `colour` (as stored or
/// typed) for states and priorities only.
#[derive(Clone)]
struct Row {
    id: i32,
    name: String,
    state_type: Option<StateType>,
    valid: bool,
    colour: Option<String>,
}

impl Row {
    /// A new one as typed; a new state is open unless another type was chosen.
    fn new(kind: Kind, name: String, state_type: Option<StateType>, colour: Option<String>) -> Self {
        let state_type = kind.is_state().then(|| state_type.unwrap_or(StateType::Open));
        let colour = kind.default_colour().map(|default| colour.unwrap_or(default));
        Self { id: 0, name, state_type, valid: true, colour }
    }

    /// The colour when it is one, to paint.
    fn swatch(&self) -> Option<Colour> {
        self.colour.as_deref().and_then(Colour::parse)
    }

    /// What the colour field starts from: a colour picker shows only `#rrggbb`, so a
    /// stored value that is no colour starts from the one a new one gets.
    fn picker_value(&self, kind: &Kind) -> String {
        let colour = self.swatch().map(|c| c.to_string()).or_else(|| kind.default_colour()).unwrap_or_default();
        colour.to_lowercase()
    }
}

/// The colour a form sent, for states and priorities; `None` for types or when absent.
fn posted_colour(kind: Kind, f: &FormText) -> Option<String> {
    let colour = f.get("color");
    (kind.default_colour().is_some() && !colour.is_empty()).then_some(colour)
}

#[derive(Template)]
#[template(path = "pages/admin_lookups.html")]
struct ListPage {
    c: Chrome,
    kind: Kind,
    rows: Vec<Row>,
}

impl ListPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        self.kind.plural()
    }

    fn empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pages/admin_lookup.html")]
struct FormPage {
    c: Chrome,
    kind: Kind,
    /// `None` for a new one.
    id: Option<i32>,
    /// As typed, the state type chosen included.
    form: Row,
    /// The type the stored state has (`None` for a new state, a priority or a type).
    held_type: Option<StateType>,
    errors: FieldErrors,
}

impl FormPage {
    /// The types a state may be given: any but merged, which only the merged state has
    /// (and keeps).
    fn state_types(&self) -> Vec<StateType> {
        StateType::ALL.into_iter().filter(|t| *t != StateType::Merged).collect()
    }

    /// Whether the state's type stays as it is: the merged state's.
    fn type_fixed(&self) -> bool {
        self.held_type == Some(StateType::Merged)
    }
}

#[handler]
pub async fn list(desk: Desk, uri: &Uri) -> Result<Response, PageError> {
    let kind = Kind::of(uri);
    let mut rows = rows(&desk, kind).await?;
    rows.sort_by_key(|r| (!r.valid, r.name.to_lowercase()));
    let title = desk.tr().t(&kind.list_key("title"));
    Ok(html(&ListPage { c: Chrome::for_desk(&desk, Nav::Admin, title), kind, rows }))
}

#[handler]
pub async fn new_form(desk: Desk, uri: &Uri) -> Response {
    let kind = Kind::of(uri);
    render(&desk, kind, None, Row::new(kind, String::new(), None, None), FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn edit(desk: Desk, uri: &Uri, Path(id): Path<i32>) -> Result<Response, PageError> {
    let kind = Kind::of(uri);
    let stored = row(&desk, kind, id).await?;
    let form = stored.clone();
    Ok(render(&desk, kind, Some(&stored), form, FieldErrors::default(), StatusCode::OK))
}

#[handler]
pub async fn create(desk: Desk, uri: &Uri, body: String) -> Result<Response, PageError> {
    let kind = Kind::of(uri);
    let f = FormText::parse(&body);
    let name = f.get("name");
    let state_type = f.get("state_type").parse().ok().and_then(StateType::from_id);
    let colour = posted_colour(kind, &f);
    let asked = match (kind.is_state(), state_type) {
        // A state without a type is a forged form: the list offers only types.
        (true, None) => Err(DomainError::invalid("state_type", "a state needs a state type")),
        _ => desk.state.admin.create_lookup(&desk.perms, kind.0, &name, state_type, colour.as_deref()).await,
    };
    match asked {
        Ok(id) => Ok(saved(&desk, kind, id, &name, "created")),
        Err(e) => {
            let errors = field_errors(&desk, kind, e)?;
            let form = Row::new(kind, name, state_type, colour);
            Ok(render(&desk, kind, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[handler]
pub async fn update(desk: Desk, uri: &Uri, Path(id): Path<i32>, body: String) -> Result<Response, PageError> {
    let kind = Kind::of(uri);
    let stored = row(&desk, kind, id).await?;
    let f = FormText::parse(&body);
    let posted_type = f.get("state_type").parse().ok().and_then(StateType::from_id);
    let form = Row {
        name: f.get("name"),
        valid: f.get("valid") == "1",
        state_type: stored.state_type.map(|held| posted_type.unwrap_or(held)),
        colour: posted_colour(kind, &f).or_else(|| stored.colour.clone()),
        ..stored.clone()
    };
    let change = LookupChange {
        name: Some(&form.name),
        valid: Some(form.valid),
        state_type: form.state_type.filter(|t| Some(*t) != stored.state_type),
        // The picker always sends one: only a colour that differs is written.
        colour: form.colour.as_deref().filter(|c| !stored.colour.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(c))),
    };
    match desk.state.admin.change_lookup(&desk.perms, kind.0, id, change).await {
        Ok(()) => Ok(saved(&desk, kind, id, &form.name, "saved")),
        Err(e) => {
            let errors = field_errors(&desk, kind, e)?;
            Ok(render(&desk, kind, Some(&stored), form, errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

async fn rows(desk: &Desk, kind: Kind) -> Result<Vec<Row>, PageError> {
    let l = &desk.state.lookups;
    let fail = |e| PageError::from_domain(desk, e);
    Ok(match kind.0 {
        LookupKind::State => (l.states().await.map_err(fail)?.into_iter())
            .map(|s| Row {
                id: s.id,
                name: s.name,
                state_type: Some(s.state_type),
                valid: s.valid,
                colour: Some(s.colour.map(|c| c.to_string()).unwrap_or_default()),
            })
            .collect(),
        LookupKind::Priority => (l.priorities().await.map_err(fail)?.into_iter())
            .map(|p| Row {
                id: p.id,
                name: p.name,
                state_type: None,
                valid: p.valid,
                colour: Some(p.colour.map(|c| c.to_string()).unwrap_or_default()),
            })
            .collect(),
        LookupKind::Type => (l.types().await.map_err(fail)?.into_iter())
            .map(|t| Row { id: t.id, name: t.name, state_type: None, valid: t.valid, colour: None })
            .collect(),
    })
}

async fn row(desk: &Desk, kind: Kind, id: i32) -> Result<Row, PageError> {
    rows(desk, kind)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| PageError::from_domain(desk, DomainError::not_found(kind.0.noun(), id)))
}

fn saved(desk: &Desk, kind: Kind, id: i32, name: &str, what: &str) -> Response {
    let done = desk.tr().v(&kind.key(what), name);
    with_flash(crate::web::login::redirect(&format!("/admin/{}/{id}", kind.plural())), &done)
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, kind: Kind, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("name", tr.t(&kind.key("error-taken"))),
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-error-name")),
        DomainError::Invalid { field: "state_type", .. } => errors.add("state_type", tr.t("admin-state-error-type")),
        DomainError::Invalid { field: "color", .. } => errors.add("color", tr.t("admin-lookup-error-colour")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

/// The form for a new one, or for `stored` (whose stored name is the title whatever was
/// typed).
fn render(
    desk: &Desk,
    kind: Kind,
    stored: Option<&Row>,
    form: Row,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let title = match stored {
        Some(r) => desk.tr().v(&kind.key("title"), &r.name),
        None => desk.tr().t(&kind.key("new-title")),
    };
    let c = Chrome::for_desk(desk, Nav::Admin, title);
    let held_type = stored.and_then(|r| r.state_type);
    html_status(&FormPage { c, kind, id: stored.map(|r| r.id), form, held_type, errors }, status)
}
