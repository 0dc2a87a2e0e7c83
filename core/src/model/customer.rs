/// A customer contact (`customer_user`), identified by login.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CustomerUser {
    pub login: String,
    pub email: String,
    /// The company (`customer_company.customer_id`) the contact belongs to.
    pub customer_id: String,
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub street: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub comments: Option<String>,
    pub valid: bool,
}

impl CustomerUser {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The customer as an address: `First Last <address>`.
    pub fn mailbox(&self) -> String {
        format!("{} <{}>", self.full_name(), self.email)
    }
}

/// A customer company (`customer_company`), keyed by its text `customer_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CustomerCompany {
    pub customer_id: String,
    pub name: String,
    pub street: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub url: Option<String>,
    pub comments: Option<String>,
    pub valid: bool,
}
