//! The agent interface: server-rendered pages (askama templates compiled into the
//! binary) made interactive with HTMX. Every page goes through the [`session`] layer
//! (session cookie, CSRF, security headers) and uses the same core services and
//! permission checks as the REST API.

pub mod assets;
mod bulk;
mod choices;
mod dashboard;
mod desk;
mod format;
pub mod i18n;
mod live;
mod login;
mod new_ticket;
mod page;
mod preferences;
mod saved_filters;
mod session;
mod ticket_actions;
mod ticket_list;
mod zoom;

use poem::{Endpoint, EndpointExt, Route, get, post};

pub use session::{CSRF_HEADER, SESSION_COOKIE};

/// What the pages follow live, under `/api` beside the REST API but signed in by the
/// session cookie like the pages: mounted by the router at each path.
pub fn live_routes() -> impl Endpoint {
    Route::new()
        .at("/api/events", get(live::events))
        .at("/api/notifications/pending", get(live::pending))
        .at("/api/tickets/:id/status", post(live::set_status))
        .with(session::SessionLayer)
        .with(poem::middleware::CatchPanic::new().with_handler(page::panic_page))
}

/// The pages, mounted at `/`.
pub fn routes() -> impl Endpoint {
    Route::new()
        .at("/", get(login::home))
        .at("/login", get(login::form).post(login::submit))
        .at("/logout", post(login::logout))
        .at("/preferences", post(preferences::save))
        .at("/dashboard", get(dashboard::page))
        .at("/tickets", get(ticket_list::page))
        .at("/tickets/new", get(new_ticket::form).post(new_ticket::create))
        .at("/tickets/bulk", post(bulk::apply))
        .at("/tickets/filters", post(saved_filters::save))
        .at("/tickets/filters/delete", post(saved_filters::delete))
        .at("/customers/options", get(new_ticket::customer_options))
        .at("/tickets/:id", get(zoom::page))
        .at("/tickets/:id/history", get(zoom::history))
        .at("/tickets/:id/reply-text", get(zoom::reply_text))
        .at("/tickets/:id/attachments/:attachment_id", get(zoom::attachment))
        .at("/tickets/:id/articles", post(ticket_actions::add_article))
        .at("/tickets/:id/state", post(ticket_actions::set_state))
        .at("/tickets/:id/priority", post(ticket_actions::set_priority))
        .at("/tickets/:id/queue", post(ticket_actions::move_queue))
        .at("/tickets/:id/owner", post(ticket_actions::set_owner))
        .at("/tickets/:id/responsible", post(ticket_actions::set_responsible))
        .at("/tickets/:id/lock", post(ticket_actions::set_lock))
        .at("/tickets/:id/watch", post(ticket_actions::set_watch))
        .at("/tickets/:id/merge", post(ticket_actions::merge))
        .at("/tickets/:id/links", post(ticket_actions::link))
        .at("/tickets/:id/links/delete", post(ticket_actions::unlink))
        .with(session::SessionLayer)
        .with(poem::middleware::CatchPanic::new().with_handler(page::panic_page))
}
