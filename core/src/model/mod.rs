//! The entities of an OTRS help desk, with OTRS's ids and names.

mod answer_template;
mod article;
mod attachment;
mod colour;
mod customer;
mod dynamic_field;
mod file_bytes;
mod link;
mod lookup;
mod page;
mod people;
mod service;
mod state;
mod ticket;
mod ticket_defaults;

pub use answer_template::{ANSWER, AnswerTemplate};
pub use article::{Article, CommunicationChannel, NewArticle, SenderType};
pub use attachment::{Attachment, NewAttachment};
pub use colour::Colour;
pub use customer::{CustomerCompany, CustomerUser};
pub use dynamic_field::{
    DynamicFieldDef, DynamicFieldValue, FieldChange, FieldDefinition, FieldFilter, FieldTest, FieldType, FieldValue,
};
pub use file_bytes::{FileBytes, Spooled};
pub use link::{LinkKind, LinkedTicket};
pub use lookup::{FollowUp, Lock, Priority, Queue, TicketType, Valid};
pub use page::{Page, PageRequest};
pub use people::{Agent, Group, GroupGrant, Role};
pub use service::{CustomerServiceIds, DEFAULT_SERVICES_LOGIN, SERVICE_SEPARATOR, Service, ServiceAudience, Sla};
pub use state::{StateType, TicketState};
pub use ticket::{NewTicket, SortDirection, Ticket, TicketFilter, TicketSort, TicketSortField};
pub use ticket_defaults::{TicketDefaults, setting as ticket_default_setting};

pub type TicketId = i64;
pub type ArticleId = i64;
pub type UserId = i32;
pub type QueueId = i32;
pub type GroupId = i32;
pub type RoleId = i32;
pub type StateId = i32;
pub type PriorityId = i32;
pub type TypeId = i32;
pub type ServiceId = i32;
pub type SlaId = i32;
