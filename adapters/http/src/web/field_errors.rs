//! Problems with a submitted form, each under the name of its field, so the page shows
//! each beside its field (and announces it with it).

#[derive(Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    /// Keeps the first problem of a field.
    pub fn add(&mut self, field: &'static str, message: String) {
        if self.of(field).is_none() {
            self.0.push((field, message));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
