//! What customers change about themselves in the portal: their name (in `customer_user`)
//! and their language (`UserLanguage` in `customer_preferences`, where OTRS's customer
//! interface keeps it).

use std::sync::Arc;

use crate::model::CustomerUser;
use crate::ports::{CustomerPreferenceStore, CustomerRepository};
use crate::tickets::SYSTEM_USER;
use crate::{DomainError, DomainResult};

/// The preference key of a customer's language.
pub const LANGUAGE: &str = "UserLanguage";

/// OTRS's `customer_user.first_name` and `last_name` hold 100 characters.
const NAME_CHARS: usize = 100;

pub struct CustomerProfiles {
    customers: Arc<dyn CustomerRepository>,
    preferences: Arc<dyn CustomerPreferenceStore>,
}

impl CustomerProfiles {
    pub fn new(customers: Arc<dyn CustomerRepository>, preferences: Arc<dyn CustomerPreferenceStore>) -> Self {
        Self { customers, preferences }
    }

    /// The language the customer chose, if any (else the browser's counts).
    pub async fn language(&self, login: &str) -> DomainResult<Option<String>> {
        let stored = self.preferences.customer_preference(login, LANGUAGE).await?;
        Ok(stored.map(|l| l.trim().to_string()).filter(|l| !l.is_empty()))
    }

    /// Renames the customer and sets their language (`None` leaves it). Refused, beside
    /// `first_name` or `last_name`: a name blank or over 100 characters; beside
    /// `language`: something that is no language code. Nothing is stored then.
    pub async fn change(
        &self,
        login: &str,
        first_name: &str,
        last_name: &str,
        language: Option<&str>,
    ) -> DomainResult<CustomerUser> {
        let name = |field: &'static str, v: &str| {
            let v = v.trim();
            if v.is_empty() || v.chars().count() > NAME_CHARS {
                Err(DomainError::invalid(field, format!("a name of 1 to {NAME_CHARS} characters is required")))
            } else {
                Ok(v.to_string())
            }
        };
        let (first, last) = (name("first_name", first_name)?, name("last_name", last_name)?);
        let language = language.map(str::trim);
        if let Some(l) = language
            && !is_language_code(l)
        {
            return Err(DomainError::invalid("language", format!("`{l}` is no language code")));
        }
        let mut me = self
            .customers
            .user(login)
            .await?
            .filter(|u| u.valid)
            .ok_or_else(|| DomainError::not_found("customer user", login))?;
        me.first_name = first;
        me.last_name = last;
        // OTRS records a customer's own change as done by the system user.
        self.customers.update_user(me.clone(), SYSTEM_USER).await?;
        if let Some(l) = language {
            self.preferences.set_customer_preference(login, LANGUAGE, l).await?;
        }
        Ok(me)
    }
}

/// `en`, `de`, `pt_BR`, `zh_CN`: OTRS's language codes.
fn is_language_code(s: &str) -> bool {
    let (lang, region) = s.split_once('_').unwrap_or((s, ""));
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && (region.is_empty() || (2..=4).contains(&region.len()) && region.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Utc;

    use super::*;
    use crate::testing::{FixedClock, MemoryStore, contact};

    fn field(r: DomainResult<CustomerUser>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_customer_renames_themselves_and_chooses_a_language() {
        let store = MemoryStore::with_defaults(Arc::new(FixedClock::at(Utc::now())));
        store.create_user(contact("sam", "acme"), None, 1).await.unwrap();
        let profiles = CustomerProfiles::new(Arc::new(store.clone()), Arc::new(store.clone()));
        assert_eq!(profiles.language("sam").await.unwrap(), None);

        assert_eq!(field(profiles.change("sam", " ", "Doe", Some("de")).await), "first_name");
        assert_eq!(field(profiles.change("sam", "Sam", &"x".repeat(101), Some("de")).await), "last_name");
        assert_eq!(field(profiles.change("sam", "Sam", "Doe", Some("Deutsch")).await), "language");
        assert_eq!(profiles.language("sam").await.unwrap(), None, "nothing stored");
        assert_ne!(store.user("sam").await.unwrap().unwrap().last_name, "Doe");

        let me = profiles.change("sam", " Samantha ", "Doe", Some("pt_BR")).await.unwrap();
        assert_eq!(me.full_name(), "Samantha Doe");
        assert_eq!(store.user("sam").await.unwrap().unwrap().full_name(), "Samantha Doe");
        assert_eq!(profiles.language("sam").await.unwrap().as_deref(), Some("pt_BR"));
        profiles.change("sam", "Sam", "Doe", None).await.unwrap();
        assert_eq!(profiles.language("sam").await.unwrap().as_deref(), Some("pt_BR"), "left as it was");
        assert!(matches!(profiles.change("nobody", "A", "B", None).await, Err(DomainError::NotFound { .. })));
    }
}
