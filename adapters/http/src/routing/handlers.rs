//! The handler registry: every name a route file may give as `handler`, with the code it
//! runs and the templates it renders. This is the one place where code meets the route
//! files; a handler not listed here cannot be mounted.

use poem::{EndpointExt, IntoEndpoint};

use super::registry::Registry;
use crate::web::admin::{
    answer_templates as admin_templates, auto_responses as admin_auto_responses, companies as admin_companies,
    contacts as admin_contacts, deliveries as admin_deliveries, fields as admin_fields, groups as admin_groups,
    lookups as admin_lookups, mail_accounts as admin_mail_accounts, notifications as admin_notifications,
    postmaster_filters as admin_postmaster_filters, queue_texts as admin_queue_texts, queues as admin_queues,
    roles as admin_roles, routes as admin_routes, services as admin_services, slas as admin_slas,
    system_addresses as admin_system_addresses, ticket_defaults as admin_ticket_defaults, users as admin_users,
};
use crate::web::{
    assets, bulk, dashboard, live, login, new_ticket, notification_settings, password_change, portal, preferences,
    saved_filters, ticket_actions, ticket_list, zoom,
};
use crate::{api, generic_interface as gi, health};

macro_rules! ep {
    ($handler:expr) => {
        || $handler.into_endpoint().map_to_response().boxed()
    };
}

const TICKET_PART: &[&str] = &["partials/ticket.html"];
const ADMIN_USER: &[&str] = &["pages/admin_user.html"];
const NOTIFY_PAGE: &[&str] = &["pages/notification_settings.html"];
const PASSWORD_PAGE: &[&str] = &["pages/password.html"];
const PREFERENCES: &[&str] = &["pages/preferences.html"];
const PORTAL_PASSWORD: &[&str] = &["pages/portal_password.html"];
const PORTAL_PREFERENCES: &[&str] = &["pages/portal_preferences.html"];
const MAIL_ACCOUNT: &[&str] = &["pages/admin_mail_account.html"];
const FILTER: &[&str] = &["pages/admin_postmaster_filter.html"];
const ADDRESS: &[&str] = &["pages/admin_system_address.html"];
const AUTO_RESPONSE: &[&str] = &["pages/admin_auto_response.html"];
const QUEUE_AUTO_RESPONSES: &[&str] = &["pages/admin_queue_auto_responses.html"];
const NOTIFICATION: &[&str] = &["pages/admin_notification.html"];
const FIELD: &[&str] = &["pages/admin_field.html"];
const GROUP: &[&str] = &["pages/admin_group.html"];
const ROLE: &[&str] = &["pages/admin_role.html"];
const TICKET_DEFAULTS: &[&str] = &["pages/admin_ticket_defaults.html"];
const QUEUE: &[&str] = &["pages/admin_queue.html"];
const SERVICE: &[&str] = &["pages/admin_service.html"];
const SLA: &[&str] = &["pages/admin_sla.html"];
const ANSWER_TEMPLATE: &[&str] = &["pages/admin_answer_template.html"];
const LOOKUP: &[&str] = &["pages/admin_lookup.html"];
const CONTACT: &[&str] = &["pages/admin_contact.html"];
const QUEUE_TEXT: &[&str] = &["pages/admin_queue_text.html"];
const COMPANY: &[&str] = &["pages/admin_company.html"];
const PORTAL_LOGIN: &[&str] = &["pages/portal_login.html"];
const PORTAL_TICKET: &[&str] = &["pages/portal_ticket.html"];
const PORTAL_NEW: &[&str] = &["pages/portal_new_ticket.html"];

/// The handlers goats ships.
pub fn standard() -> Registry {
    let mut r = Registry::default();
    r.add("healthz", &[], ep!(health::healthz))
        .add("readyz", &[], ep!(health::readyz))
        .add("metrics", &[], ep!(crate::metrics::metrics))
        .add("static_asset", &[], ep!(assets::serve))
        .add("login_form", &["pages/login.html"], ep!(login::form))
        .add("login_submit", &["pages/login.html"], ep!(login::submit))
        .add("logout", &[], ep!(login::logout))
        .add("portal_login_form", PORTAL_LOGIN, ep!(portal::login::form))
        .add("portal_login_submit", PORTAL_LOGIN, ep!(portal::login::submit))
        .add("portal_logout", &[], ep!(portal::login::logout))
        .add("portal_tickets", &["pages/portal_tickets.html"], ep!(portal::tickets::list))
        .add("portal_ticket", PORTAL_TICKET, ep!(portal::tickets::show))
        .add("portal_ticket_reply", PORTAL_TICKET, ep!(portal::tickets::reply))
        .add("portal_ticket_close", PORTAL_TICKET, ep!(portal::tickets::close))
        .add("portal_attachment", &[], ep!(portal::tickets::attachment))
        .add("portal_ticket_new_form", PORTAL_NEW, ep!(portal::tickets::new_form))
        .add("portal_ticket_create", PORTAL_NEW, ep!(portal::tickets::create))
        .add("dashboard", &["pages/dashboard.html"], ep!(dashboard::page))
        .add("preferences_page", PREFERENCES, ep!(preferences::show))
        .add("preferences_save", &[], ep!(preferences::save))
        .add("out_of_office_save", PREFERENCES, ep!(preferences::save_absence))
        .add("notification_settings", NOTIFY_PAGE, ep!(notification_settings::show))
        .add("notification_settings_save", NOTIFY_PAGE, ep!(notification_settings::save))
        .add("password_form", PASSWORD_PAGE, ep!(password_change::agent_form))
        .add("password_save", PASSWORD_PAGE, ep!(password_change::agent_save))
        .add("portal_password_form", PORTAL_PASSWORD, ep!(password_change::customer_form))
        .add("portal_preferences", PORTAL_PREFERENCES, ep!(portal::profile::show))
        .add("portal_events", &[], ep!(portal::live::events))
        .add("portal_preferences_save", PORTAL_PREFERENCES, ep!(portal::profile::save))
        .add("portal_password_save", PORTAL_PASSWORD, ep!(password_change::customer_save))
        .add("ticket_list", &["pages/tickets.html", "partials/ticket_results.html"], ep!(ticket_list::page))
        .add("ticket_new_form", &["pages/new_ticket.html"], ep!(new_ticket::form))
        .add("ticket_new_create", &["pages/new_ticket.html"], ep!(new_ticket::create))
        .add("ticket_new_sla_options", &["partials/choice_options.html"], ep!(new_ticket::sla_options))
        .add("ticket_new_service_options", &["partials/choice_options.html"], ep!(new_ticket::service_options))
        .add("customer_options", &["partials/customer_options.html"], ep!(new_ticket::customer_options))
        .add("ticket_bulk", &["partials/bulk_results.html"], ep!(bulk::apply))
        .add("ticket_filter_save", &["partials/saved_filters.html"], ep!(saved_filters::save))
        .add("ticket_filter_delete", &["partials/saved_filters.html"], ep!(saved_filters::delete))
        .add("ticket_zoom", &["pages/ticket.html", "partials/ticket.html"], ep!(zoom::page))
        .add("ticket_history", &["partials/history.html"], ep!(zoom::history))
        .add("ticket_reply_text", &["partials/reply_body.html"], ep!(zoom::reply_text))
        .add("ticket_attachment", &[], ep!(zoom::attachment))
        .add("ticket_article_source", &[], ep!(zoom::article_source))
        .add("ticket_article_add", TICKET_PART, ep!(ticket_actions::add_article))
        .add("ticket_state_set", TICKET_PART, ep!(ticket_actions::set_state))
        .add("ticket_service_set", TICKET_PART, ep!(ticket_actions::set_service))
        .add("ticket_priority_set", TICKET_PART, ep!(ticket_actions::set_priority))
        .add("ticket_queue_move", TICKET_PART, ep!(ticket_actions::move_queue))
        .add("ticket_owner_set", TICKET_PART, ep!(ticket_actions::set_owner))
        .add("ticket_responsible_set", TICKET_PART, ep!(ticket_actions::set_responsible))
        .add("ticket_lock_set", TICKET_PART, ep!(ticket_actions::set_lock))
        .add("ticket_watch_set", TICKET_PART, ep!(ticket_actions::set_watch))
        .add("ticket_merge", &[], ep!(ticket_actions::merge))
        .add("ticket_link", TICKET_PART, ep!(ticket_actions::link))
        .add("ticket_fields_set", TICKET_PART, ep!(ticket_actions::set_fields))
        .add("ticket_unlink", TICKET_PART, ep!(ticket_actions::unlink))
        .add("live_events", &[], ep!(live::events))
        .add("live_pending", &[], ep!(live::pending))
        .add("live_status_set", &["partials/reminder_status.html"], ep!(live::set_status))
        .add("admin_routes", &["pages/admin_routes.html"], ep!(admin_routes::page))
        .add("admin_users", &["pages/admin_users.html"], ep!(admin_users::list))
        .add("admin_mail_accounts", &["pages/admin_mail_accounts.html"], ep!(admin_mail_accounts::list))
        .add("admin_mail_account_new_form", MAIL_ACCOUNT, ep!(admin_mail_accounts::new_form))
        .add("admin_mail_account_create", MAIL_ACCOUNT, ep!(admin_mail_accounts::create))
        .add("admin_mail_account_edit", MAIL_ACCOUNT, ep!(admin_mail_accounts::edit))
        .add("admin_mail_account_update", MAIL_ACCOUNT, ep!(admin_mail_accounts::update))
        .add("admin_notifications", &["pages/admin_notifications.html"], ep!(admin_notifications::list))
        .add("admin_deliveries", &["pages/admin_deliveries.html"], ep!(admin_deliveries::list))
        .add("admin_notification_new_form", NOTIFICATION, ep!(admin_notifications::new_form))
        .add("admin_notification_edit", NOTIFICATION, ep!(admin_notifications::edit))
        .add("admin_notification_save", NOTIFICATION, ep!(admin_notifications::save))
        .add("admin_addresses", &["pages/admin_system_addresses.html"], ep!(admin_system_addresses::list))
        .add("admin_address_new_form", ADDRESS, ep!(admin_system_addresses::new_form))
        .add("admin_address_create", ADDRESS, ep!(admin_system_addresses::create))
        .add("admin_address_edit", ADDRESS, ep!(admin_system_addresses::edit))
        .add("admin_address_update", ADDRESS, ep!(admin_system_addresses::update))
        .add("admin_fields", &["pages/admin_fields.html"], ep!(admin_fields::list))
        .add("admin_field_new_form", FIELD, ep!(admin_fields::new_form))
        .add("admin_field_create", FIELD, ep!(admin_fields::create))
        .add("admin_field_edit", FIELD, ep!(admin_fields::edit))
        .add("admin_field_update", FIELD, ep!(admin_fields::update))
        .add("admin_auto_responses", &["pages/admin_auto_responses.html"], ep!(admin_auto_responses::list))
        .add("admin_auto_response_new_form", AUTO_RESPONSE, ep!(admin_auto_responses::new_form))
        .add("admin_auto_response_create", AUTO_RESPONSE, ep!(admin_auto_responses::create))
        .add("admin_auto_response_edit", AUTO_RESPONSE, ep!(admin_auto_responses::edit))
        .add("admin_auto_response_update", AUTO_RESPONSE, ep!(admin_auto_responses::update))
        .add("admin_queue_auto_responses", QUEUE_AUTO_RESPONSES, ep!(admin_auto_responses::queue_form))
        .add("admin_queue_auto_responses_save", QUEUE_AUTO_RESPONSES, ep!(admin_auto_responses::queue_save))
        .add("admin_filters", &["pages/admin_postmaster_filters.html"], ep!(admin_postmaster_filters::list))
        .add("admin_filter_new_form", FILTER, ep!(admin_postmaster_filters::new_form))
        .add("admin_filter_edit", FILTER, ep!(admin_postmaster_filters::edit))
        .add("admin_filter_save", FILTER, ep!(admin_postmaster_filters::save))
        .add("admin_filter_delete", &[], ep!(admin_postmaster_filters::delete))
        .add(
            "admin_mail_account_test",
            &["pages/admin_mail_account.html", "partials/mail_account_test.html"],
            ep!(admin_mail_accounts::test),
        )
        .add("admin_user_new_form", ADMIN_USER, ep!(admin_users::new_form))
        .add("admin_user_create", ADMIN_USER, ep!(admin_users::create))
        .add("admin_user_edit", ADMIN_USER, ep!(admin_users::edit))
        .add("admin_user_update", ADMIN_USER, ep!(admin_users::update))
        .add("admin_user_grants_set", ADMIN_USER, ep!(admin_users::set_grants))
        .add("admin_groups", &["pages/admin_named_list.html"], ep!(admin_groups::list))
        .add("admin_group_new_form", GROUP, ep!(admin_groups::new_form))
        .add("admin_group_create", GROUP, ep!(admin_groups::create))
        .add("admin_group_edit", GROUP, ep!(admin_groups::edit))
        .add("admin_group_update", GROUP, ep!(admin_groups::update))
        .add("admin_roles", &["pages/admin_named_list.html"], ep!(admin_roles::list))
        .add("admin_role_new_form", ROLE, ep!(admin_roles::new_form))
        .add("admin_role_create", ROLE, ep!(admin_roles::create))
        .add("admin_role_edit", ROLE, ep!(admin_roles::edit))
        .add("admin_role_update", ROLE, ep!(admin_roles::update))
        .add("admin_role_grants_set", ROLE, ep!(admin_roles::set_grants))
        .add("admin_role_members_set", ROLE, ep!(admin_roles::set_members))
        .add("admin_lookups", &["pages/admin_lookups.html"], ep!(admin_lookups::list))
        .add("admin_lookup_new_form", LOOKUP, ep!(admin_lookups::new_form))
        .add("admin_lookup_create", LOOKUP, ep!(admin_lookups::create))
        .add("admin_lookup_edit", LOOKUP, ep!(admin_lookups::edit))
        .add("admin_lookup_update", LOOKUP, ep!(admin_lookups::update))
        .add("admin_contacts", &["pages/admin_contacts.html"], ep!(admin_contacts::list))
        .add("admin_contact_new_form", CONTACT, ep!(admin_contacts::new_form))
        .add("admin_contact_create", CONTACT, ep!(admin_contacts::create))
        .add("admin_contact_edit", CONTACT, ep!(admin_contacts::edit))
        .add("admin_contact_update", CONTACT, ep!(admin_contacts::update))
        .add("admin_companies", &["pages/admin_companies.html"], ep!(admin_companies::list))
        .add("admin_company_new_form", COMPANY, ep!(admin_companies::new_form))
        .add("admin_company_create", COMPANY, ep!(admin_companies::create))
        .add("admin_company_edit", COMPANY, ep!(admin_companies::edit))
        .add("admin_company_update", COMPANY, ep!(admin_companies::update))
        .add("admin_queue_texts", &["pages/admin_queue_texts.html"], ep!(admin_queue_texts::list))
        .add("admin_queue_text_new_form", QUEUE_TEXT, ep!(admin_queue_texts::new_form))
        .add("admin_queue_text_create", QUEUE_TEXT, ep!(admin_queue_texts::create))
        .add("admin_queue_text_edit", QUEUE_TEXT, ep!(admin_queue_texts::edit))
        .add("admin_queue_text_update", QUEUE_TEXT, ep!(admin_queue_texts::update))
        .add("admin_queues", &["pages/admin_queues.html"], ep!(admin_queues::list))
        .add("admin_queue_new_form", QUEUE, ep!(admin_queues::new_form))
        .add("admin_queue_create", QUEUE, ep!(admin_queues::create))
        .add("admin_queue_edit", QUEUE, ep!(admin_queues::edit))
        .add("admin_queue_update", QUEUE, ep!(admin_queues::update))
        .add("admin_services", &["pages/admin_services.html"], ep!(admin_services::list))
        .add("admin_service_new_form", SERVICE, ep!(admin_services::new_form))
        .add("admin_service_create", SERVICE, ep!(admin_services::create))
        .add("admin_service_edit", SERVICE, ep!(admin_services::edit))
        .add("admin_service_update", SERVICE, ep!(admin_services::update))
        .add("admin_slas", &["pages/admin_slas.html"], ep!(admin_slas::list))
        .add("admin_sla_new_form", SLA, ep!(admin_slas::new_form))
        .add("admin_sla_create", SLA, ep!(admin_slas::create))
        .add("admin_sla_edit", SLA, ep!(admin_slas::edit))
        .add("admin_sla_update", SLA, ep!(admin_slas::update))
        .add("admin_templates", &["pages/admin_answer_templates.html"], ep!(admin_templates::list))
        .add("admin_template_new_form", ANSWER_TEMPLATE, ep!(admin_templates::new_form))
        .add("admin_template_create", ANSWER_TEMPLATE, ep!(admin_templates::create))
        .add("admin_template_edit", ANSWER_TEMPLATE, ep!(admin_templates::edit))
        .add("admin_template_update", ANSWER_TEMPLATE, ep!(admin_templates::update))
        .add("admin_ticket_defaults", TICKET_DEFAULTS, ep!(admin_ticket_defaults::show))
        .add("admin_ticket_defaults_save", TICKET_DEFAULTS, ep!(admin_ticket_defaults::save))
        .add("gi_session_create", &[], ep!(gi::session::create))
        .add("gi_ticket_create", &[], ep!(gi::ticket::create))
        .add("gi_ticket_search", &[], ep!(gi::ticket::search))
        .add("gi_ticket_get", &[], ep!(gi::ticket::get))
        .add("gi_ticket_update", &[], ep!(gi::ticket::update))
        .add("gi_ticket_history", &[], ep!(gi::ticket::history))
        .add_mount("rest_api", api::mount, api::mounted_routes);
    r
}
