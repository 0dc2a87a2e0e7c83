//! Small builders for the rows tests create again and again.

use crate::model::{CommunicationChannel, CustomerUser, FollowUp, GroupId, NewArticle, NewTicket, QueueId, SenderType};
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
        follow_up: FollowUp::Possible,
        follow_up_lock: false,
        customer_selectable: true,
        customer_closable: true,
        system_address_id: 1,
        salutation_id: 1,
        signature_id: 1,
    }
}

/// A new ticket in `queue_id` as a customer's phone call opens it: new, normal
/// priority, owned by user 1, the customer's words visible to them.
pub fn phoned_ticket(queue_id: QueueId) -> NewTicket {
    NewTicket {
        title: "Printer on fire".into(),
        queue_id,
        state_id: 1,
        priority_id: 3,
        type_id: None,
        service_id: None,
        sla_id: None,
        owner_id: 1,
        responsible_id: None,
        customer_id: None,
        customer_user_id: None,
        pending_until: None,
        article: NewArticle {
            sender_type: SenderType::Customer,
            channel: CommunicationChannel::Phone,
            visible_for_customer: true,
            ..NewArticle::note("Help", "It is on fire.")
        },
    }
}
