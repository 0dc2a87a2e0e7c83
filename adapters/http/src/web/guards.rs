//! The middleware tokens of the route files, as poem endpoints around a handler. A
//! route's guards run in the order [`Guard`]s sort in: the session is read, the CSRF
//! token checked, the agent loaded, and only then are admin rights and ticket
//! permissions looked at.

use goats_core::permission::Permission;
use poem::endpoint::BoxEndpoint;
use poem::error::ResponseError;
use poem::http::StatusCode;
use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Result};

use super::desk::Desk;
use super::page::{self, PageError};
use super::portal::Visit;
use super::session::{CsrfGuard, SessionLayer};
use crate::routing::guard::Guard;

/// The handler behind one more guard.
pub fn wrap(ep: BoxEndpoint<'static>, guard: Guard) -> BoxEndpoint<'static> {
    match guard {
        Guard::Session => ep
            .with(SessionLayer)
            .with(poem::middleware::CatchPanic::new().with_handler(page::panic_page))
            .map_to_response()
            .boxed(),
        Guard::Csrf => CsrfGuard { inner: ep, login_form: false }.boxed(),
        Guard::LoginCsrf => CsrfGuard { inner: ep, login_form: true }.boxed(),
        Guard::Auth => AuthGuard(ep).boxed(),
        Guard::Customer => CustomerGuard(ep).boxed(),
        Guard::Admin => AdminGuard(ep).boxed(),
        Guard::Ticket(p) => TicketGuard(ep, p).boxed(),
        // A REST operation checks its own bearer token.
        Guard::Bearer => ep,
    }
}

/// A signed-in agent, or the way to the login page. The agent found is kept for the
/// handler, so it is loaded once per request.
struct AuthGuard<E>(E);

impl<E: Endpoint> Endpoint for AuthGuard<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let desk = match Desk::load(&req).await {
            Ok(desk) => desk,
            Err(e) => return Ok(e.into_response()),
        };
        req.extensions_mut().insert(desk);
        self.0.call(req).await.map(IntoResponse::into_response)
    }
}

/// A signed-in customer, or the way to the portal's login; the customer found is kept
/// for the handler.
struct CustomerGuard<E>(E);

impl<E: Endpoint> Endpoint for CustomerGuard<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let visit = match Visit::load(&req).await {
            Ok(visit) => visit,
            Err(e) => return Ok(e.into_response()),
        };
        req.extensions_mut().insert(visit);
        self.0.call(req).await.map(IntoResponse::into_response)
    }
}

fn desk_of(req: &Request) -> Result<&Desk> {
    // The table puts `auth` before `admin` and `ticket:*`, so the desk is there.
    req.extensions().get::<Desk>().ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))
}

/// Administrators only; anyone else gets the forbidden page.
struct AdminGuard<E>(E);

impl<E: Endpoint> Endpoint for AdminGuard<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let desk = desk_of(&req)?;
        if !desk.perms.is_admin() {
            return Ok(PageError::new(desk, StatusCode::FORBIDDEN, "error-forbidden").as_response());
        }
        self.0.call(req).await.map(IntoResponse::into_response)
    }
}

/// The agent holds the permission on the ticket of the path's `:id`. A ticket they
/// cannot read is not found, as in the REST API; one they can read but not change in
/// this way is forbidden. The verdict goes on with the agent's permissions, so the
/// ticket service answers from it instead of evaluating the rule again.
struct TicketGuard<E>(E, Permission);

impl<E: Endpoint> Endpoint for TicketGuard<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let desk = desk_of(&req)?;
        let not_found = || PageError::new(desk, StatusCode::NOT_FOUND, "error-not-found").as_response();
        let Some(id) = req.raw_path_param("id").and_then(|v| v.parse().ok()) else {
            return Ok(not_found());
        };
        let verdict = match desk.state.tickets.abilities_on(&desk.perms, id).await {
            Ok(Some(v)) => v,
            Ok(None) => return Ok(not_found()),
            Err(e) => return Ok(PageError::from_domain(desk, e).as_response()),
        };
        if !verdict.allows(Permission::Ro) {
            return Ok(not_found());
        }
        if !verdict.allows(self.1) {
            return Ok(PageError::new(desk, StatusCode::FORBIDDEN, "error-forbidden").as_response());
        }
        if let Some(desk) = req.extensions_mut().get_mut::<Desk>() {
            desk.perms = std::mem::take(&mut desk.perms).with_verdict(verdict);
        }
        self.0.call(req).await.map(IntoResponse::into_response)
    }
}
