//! Small builders for the rows tests create again and again.

use crate::model::{CustomerUser, GroupId};
use crate::ports::NewQueue;

/// A valid customer contact of `company`, email `<login>@example.com`, no other details.
pub fn contact(login: &str, company: &str) -> CustomerUser {
    CustomerUser {
        login: login.into(),
        email: format!("{login}@example.com"),
        customer_id: company.into(),
        title: None,
        first_name: login.into(),
        last_name: "Customer".into(),
        phone: None,
        mobile: None,
        street: None,
        zip: None,
        city: None,
        country: None,
        comments: None,
        valid: true,
    }
}

/// A queue in `group_id` with no timeouts or escalation times.
pub fn queue(name: &str, group_id: GroupId) -> NewQueue {
    NewQueue {
        name: name.into(),
        group_id,
        unlock_timeout: 0,
        first_response_time: 0,
        update_time: 0,
        solution_time: 0,
        calendar_name: None,
        comments: None,
    }
}
