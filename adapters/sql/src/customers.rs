//! Customer companies (`customer_company`) and their contacts (`customer_user`).

use async_trait::async_trait;
use goats_core::model::*;
use goats_core::ports::{CustomerCredentials, CustomerRepository};
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::lookups::assignments;
use crate::row::{Decoded, int, opt_text, text};

const SELECT_USER: &str = "SELECT login, email, customer_id, title, first_name, last_name, phone, mobile, street, \
     zip, city, country, comments, valid_id FROM customer_user";

const SELECT_COMPANY: &str =
    "SELECT customer_id, name, street, zip, city, country, url, comments, valid_id FROM customer_company";

fn user_from(r: &QueryResult) -> Decoded<CustomerUser> {
    Ok(CustomerUser {
        login: text(r, "login")?,
        email: text(r, "email")?,
        customer_id: text(r, "customer_id")?,
        title: opt_text(r, "title")?,
        first_name: text(r, "first_name")?,
        last_name: text(r, "last_name")?,
        phone: opt_text(r, "phone")?,
        mobile: opt_text(r, "mobile")?,
        street: opt_text(r, "street")?,
        zip: opt_text(r, "zip")?,
        city: opt_text(r, "city")?,
        country: opt_text(r, "country")?,
        comments: opt_text(r, "comments")?,
        valid: Valid::is_valid(int(r, "valid_id")? as i32),
    })
}

fn company_from(r: &QueryResult) -> Decoded<CustomerCompany> {
    Ok(CustomerCompany {
        customer_id: text(r, "customer_id")?,
        name: text(r, "name")?,
        street: opt_text(r, "street")?,
        zip: opt_text(r, "zip")?,
        city: opt_text(r, "city")?,
        country: opt_text(r, "country")?,
        url: opt_text(r, "url")?,
        comments: opt_text(r, "comments")?,
        valid: Valid::is_valid(int(r, "valid_id")? as i32),
    })
}

fn required(field: &'static str, v: &str) -> DomainResult<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(DomainError::invalid(field, "required"));
    }
    Ok(v.to_string())
}

fn valid_id(valid: bool) -> Value {
    (if valid { 1 } else { 2 }).into()
}

/// A company's columns after its id and name, written alike by INSERT and UPDATE.
const COMPANY_DETAILS: [&str; 7] = ["street", "zip", "city", "country", "url", "comments", "valid_id"];

fn company_details(c: &CustomerCompany) -> Vec<Value> {
    vec![
        c.street.clone().into(),
        c.zip.clone().into(),
        c.city.clone().into(),
        c.country.clone().into(),
        c.url.clone().into(),
        c.comments.clone().into(),
        valid_id(c.valid),
    ]
}

/// A contact's columns after its login, address, company and password, written alike by
/// INSERT and UPDATE.
const CONTACT_DETAILS: [&str; 11] =
    ["title", "first_name", "last_name", "phone", "mobile", "street", "zip", "city", "country", "comments", "valid_id"];

fn contact_details(u: &CustomerUser) -> Vec<Value> {
    vec![
        u.title.clone().into(),
        u.first_name.clone().into(),
        u.last_name.clone().into(),
        u.phone.clone().into(),
        u.mobile.clone().into(),
        u.street.clone().into(),
        u.zip.clone().into(),
        u.city.clone().into(),
        u.country.clone().into(),
        u.comments.clone().into(),
        valid_id(u.valid),
    ]
}

#[async_trait]
impl CustomerRepository for Db {
    async fn create_company(&self, c: CustomerCompany, by: UserId) -> DomainResult<()> {
        let id = required("customer_id", &c.customer_id)?;
        let name = required("name", &c.name)?;
        if self.company(&id).await?.is_some() {
            return Err(DomainError::Conflict(format!("customer company {id} exists")));
        }
        let columns: Vec<&str> = ["customer_id", "name"].into_iter().chain(COMPANY_DETAILS).collect();
        let mut values: Vec<Value> = vec![id.into(), name.into()];
        values.extend(company_details(&c));
        self.insert_audited_no_id("customer_company", &columns, values, by).await
    }

    async fn company(&self, customer_id: &str) -> DomainResult<Option<CustomerCompany>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{SELECT_COMPANY} WHERE customer_id = ?"), [customer_id.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.as_ref().map(company_from).transpose()?)
    }

    async fn create_user(&self, u: CustomerUser, password_hash: Option<String>, by: UserId) -> DomainResult<()> {
        let login = required("login", &u.login)?;
        let email = required("email", &u.email)?;
        if self.user(&login).await?.is_some() {
            return Err(DomainError::Conflict(format!("customer user {login} exists")));
        }
        let columns: Vec<&str> = ["login", "email", "customer_id", "pw"].into_iter().chain(CONTACT_DETAILS).collect();
        let mut values: Vec<Value> =
            vec![login.into(), email.into(), u.customer_id.clone().into(), password_hash.into()];
        values.extend(contact_details(&u));
        self.insert_audited("customer_user", &columns, values, by).await.map(|_| ())
    }

    async fn user(&self, login: &str) -> DomainResult<Option<CustomerUser>> {
        let row = self
            .conn
            .query_one_raw(self.stmt(&format!("{SELECT_USER} WHERE login = ?"), [login.into()]))
            .await
            .map_err(to_domain)?;
        Ok(row.as_ref().map(user_from).transpose()?)
    }

    async fn user_by_email(&self, email: &str) -> DomainResult<Option<CustomerUser>> {
        let sql = format!("{SELECT_USER} WHERE LOWER(email) = ? AND valid_id = 1 ORDER BY login");
        let row = self.conn.query_one_raw(self.stmt(&sql, [email.to_lowercase().into()])).await.map_err(to_domain)?;
        Ok(row.as_ref().map(user_from).transpose()?)
    }

    async fn credentials(&self, login: &str) -> DomainResult<Option<CustomerCredentials>> {
        let row = self
            .conn
            .query_one_raw(
                self.stmt("SELECT login, customer_id, pw, valid_id FROM customer_user WHERE login = ?", [login.into()]),
            )
            .await
            .map_err(to_domain)?;
        Ok(row
            .map(|r| -> Decoded<CustomerCredentials> {
                Ok(CustomerCredentials {
                    login: text(&r, "login")?,
                    customer_id: text(&r, "customer_id")?,
                    password_hash: opt_text(&r, "pw")?.filter(|p| !p.is_empty()),
                    valid: Valid::is_valid(int(&r, "valid_id")? as i32),
                })
            })
            .transpose()?)
    }

    async fn search_users(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerUser>> {
        let pattern = crate::like::containing(term.trim());
        let sql = format!(
            "{SELECT_USER} WHERE LOWER(login) LIKE ? ESCAPE '!' OR LOWER(email) LIKE ? ESCAPE '!' \
             OR LOWER(first_name) LIKE ? ESCAPE '!' OR LOWER(last_name) LIKE ? ESCAPE '!' \
             ORDER BY LOWER(login), login LIMIT ?"
        );
        let values: Vec<Value> = vec![
            pattern.clone().into(),
            pattern.clone().into(),
            pattern.clone().into(),
            pattern.into(),
            (limit as i64).into(),
        ];
        let rows = self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        Ok(rows.iter().map(user_from).collect::<Decoded<_>>()?)
    }

    async fn search_companies(&self, term: &str, limit: u64) -> DomainResult<Vec<CustomerCompany>> {
        let pattern = crate::like::containing(term.trim());
        let sql = format!(
            "{SELECT_COMPANY} WHERE LOWER(customer_id) LIKE ? ESCAPE '!' OR LOWER(name) LIKE ? ESCAPE '!' \
             ORDER BY LOWER(customer_id), customer_id LIMIT ?"
        );
        let values: Vec<Value> = vec![pattern.clone().into(), pattern.into(), (limit as i64).into()];
        let rows = self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        Ok(rows.iter().map(company_from).collect::<Decoded<_>>()?)
    }

    async fn update_company(&self, c: CustomerCompany, by: UserId) -> DomainResult<()> {
        let name = required("name", &c.name)?;
        let sql = format!(
            "UPDATE customer_company SET name = ?, {}, change_time = ?, change_by = ? WHERE customer_id = ?",
            assignments(&COMPANY_DETAILS)
        );
        let mut values: Vec<Value> = vec![name.into()];
        values.extend(company_details(&c));
        values.extend([self.now().into(), by.into(), c.customer_id.clone().into()]);
        self.update_one(&sql, values, "customer company", &c.customer_id).await
    }

    async fn update_user(&self, u: CustomerUser, by: UserId) -> DomainResult<()> {
        let email = required("email", &u.email)?;
        let sql = format!(
            "UPDATE customer_user SET email = ?, customer_id = ?, {}, change_time = ?, change_by = ? WHERE login = ?",
            assignments(&CONTACT_DETAILS)
        );
        let mut values: Vec<Value> = vec![email.into(), u.customer_id.clone().into()];
        values.extend(contact_details(&u));
        values.extend([self.now().into(), by.into(), u.login.clone().into()]);
        self.update_one(&sql, values, "customer user", &u.login).await
    }

    async fn set_user_password_hash(&self, login: &str, hash: &str, by: UserId) -> DomainResult<()> {
        let sql = "UPDATE customer_user SET pw = ?, change_time = ?, change_by = ? WHERE login = ?";
        let values: Vec<Value> = vec![hash.into(), self.now().into(), by.into(), login.into()];
        self.update_one(sql, values, "customer user", login).await
    }
}

impl Db {
    /// Runs an UPDATE that must hit exactly the row named `key`.
    /// Runs an `UPDATE` of one row; not found when it changed none.
    pub(crate) async fn update_one(
        &self,
        sql: &str,
        values: Vec<Value>,
        kind: &'static str,
        key: &str,
    ) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let r = self.conn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found(kind, key));
        }
        Ok(())
    }
}
