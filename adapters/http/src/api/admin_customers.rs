//! `/api/v1/admin/customer-companies` and `/api/v1/admin/customer-users`: the
//! companies and their contacts (OTRS's `customer_company` and `customer_user`), for
//! members of the admin group. Nothing is deleted: `valid: false` switches one off.

use goats_core::model::{CustomerCompany, CustomerUser};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use super::text::Text;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Customer companies and contacts (admin group only).
    CustomerAdmin,
}

#[derive(Object)]
struct CompanyDto {
    customer_id: String,
    name: String,
    #[oai(skip_serializing_if_is_none)]
    street: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    zip: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    city: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    country: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    url: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
    valid: bool,
}

impl From<CustomerCompany> for CompanyDto {
    fn from(c: CustomerCompany) -> Self {
        Self {
            customer_id: c.customer_id,
            name: c.name,
            street: c.street,
            zip: c.zip,
            city: c.city,
            country: c.country,
            url: c.url,
            comments: c.comments,
            valid: c.valid,
        }
    }
}

#[derive(Object)]
struct NewCompanyDto {
    #[oai(validator(min_length = 1, max_length = 150))]
    customer_id: Text,
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    #[oai(nullable, validator(max_length = 200))]
    street: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    zip: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    city: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    country: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    url: Option<Text>,
    #[oai(nullable, validator(max_length = 250))]
    comments: Option<Text>,
}

/// The fields to change; `null` empties an optional one.
#[derive(Object)]
struct CompanyPatch {
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    name: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    street: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 200))]
    zip: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 200))]
    city: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 200))]
    country: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 200))]
    url: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 250))]
    comments: MaybeUndefined<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

#[derive(Object)]
struct CustomerUserDto {
    login: String,
    email: String,
    /// The company the contact belongs to.
    customer_id: String,
    #[oai(skip_serializing_if_is_none)]
    title: Option<String>,
    first_name: String,
    last_name: String,
    #[oai(skip_serializing_if_is_none)]
    phone: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    mobile: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    street: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    zip: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    city: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    country: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
    valid: bool,
}

impl From<CustomerUser> for CustomerUserDto {
    fn from(u: CustomerUser) -> Self {
        Self {
            login: u.login,
            email: u.email,
            customer_id: u.customer_id,
            title: u.title,
            first_name: u.first_name,
            last_name: u.last_name,
            phone: u.phone,
            mobile: u.mobile,
            street: u.street,
            zip: u.zip,
            city: u.city,
            country: u.country,
            comments: u.comments,
            valid: u.valid,
        }
    }
}

#[derive(Object)]
struct NewCustomerUserDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    login: Text,
    #[oai(validator(min_length = 3, max_length = 150))]
    email: Text,
    /// An existing company, or empty for none.
    #[oai(validator(max_length = 150))]
    customer_id: Text,
    #[oai(nullable, validator(max_length = 50))]
    title: Option<Text>,
    #[oai(validator(min_length = 1, max_length = 100))]
    first_name: Text,
    #[oai(validator(min_length = 1, max_length = 100))]
    last_name: Text,
    #[oai(nullable, validator(max_length = 150))]
    phone: Option<Text>,
    #[oai(nullable, validator(max_length = 150))]
    mobile: Option<Text>,
    #[oai(nullable, validator(max_length = 150))]
    street: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    zip: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    city: Option<Text>,
    #[oai(nullable, validator(max_length = 200))]
    country: Option<Text>,
    #[oai(nullable, validator(max_length = 250))]
    comments: Option<Text>,
    /// With a password (8 characters or more) the contact can log in as a customer.
    #[oai(nullable, validator(min_length = 8, max_length = 200))]
    password: Option<Text>,
}

/// The fields to change; `null` empties an optional one.
#[derive(Object)]
struct CustomerUserPatch {
    #[oai(nullable, validator(min_length = 3, max_length = 150))]
    email: Option<Text>,
    #[oai(nullable, validator(max_length = 150))]
    customer_id: Option<Text>,
    #[oai(nullable, validator(max_length = 50))]
    title: MaybeUndefined<Text>,
    #[oai(nullable, validator(min_length = 1, max_length = 100))]
    first_name: Option<Text>,
    #[oai(nullable, validator(min_length = 1, max_length = 100))]
    last_name: Option<Text>,
    #[oai(nullable, validator(max_length = 150))]
    phone: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 150))]
    mobile: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 150))]
    street: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 200))]
    zip: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 200))]
    city: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 200))]
    country: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 250))]
    comments: MaybeUndefined<Text>,
    #[oai(nullable, validator(min_length = 8, max_length = 200))]
    password: Option<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

/// Sets `field` as a `MaybeUndefined` says: absent leaves it, `null` empties it.
fn apply(field: &mut Option<String>, value: MaybeUndefined<Text>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *field = None,
        MaybeUndefined::Value(v) => *field = Some(v.0),
    }
}

fn opt(v: Option<Text>) -> Option<String> {
    v.map(|t| t.0)
}

#[derive(ApiResponse)]
enum CreatedCompany {
    #[oai(status = 201)]
    Created(Json<CompanyDto>),
}

#[derive(ApiResponse)]
enum CreatedCustomerUser {
    #[oai(status = 201)]
    Created(Json<CustomerUserDto>),
}

fn default_limit() -> u64 {
    50
}

pub struct CustomerAdminApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1/admin", tag = "Tag::CustomerAdmin")]
impl CustomerAdminApi {
    /// Companies whose id or name contains `search` (all with an empty search), by id.
    #[oai(path = "/customer-companies", method = "get")]
    async fn companies(
        &self,
        auth: BearerAuth,
        #[oai(default, validator(max_length = 200))] search: Query<String>,
        #[oai(default = "default_limit", validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<u64>,
    ) -> Result<Json<Vec<CompanyDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let found = self.state.admin.companies(&caller, &search.0, limit.0).await?;
        Ok(Json(found.into_iter().map(Into::into).collect()))
    }

    #[oai(path = "/customer-companies", method = "post")]
    async fn create_company(&self, auth: BearerAuth, body: Json<NewCompanyDto>) -> Result<CreatedCompany, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let company = CustomerCompany {
            customer_id: b.customer_id.0,
            name: b.name.0,
            street: opt(b.street),
            zip: opt(b.zip),
            city: opt(b.city),
            country: opt(b.country),
            url: opt(b.url),
            comments: opt(b.comments),
            valid: true,
        };
        Ok(CreatedCompany::Created(Json(self.state.admin.create_company(&caller, company).await?.into())))
    }

    #[oai(path = "/customer-companies/:customer_id", method = "get")]
    async fn company(&self, auth: BearerAuth, customer_id: Path<String>) -> Result<Json<CompanyDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.company(&caller, &customer_id.0).await?.into()))
    }

    #[oai(path = "/customer-companies/:customer_id", method = "patch")]
    async fn change_company(
        &self,
        auth: BearerAuth,
        customer_id: Path<String>,
        body: Json<CompanyPatch>,
    ) -> Result<Json<CompanyDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let edit = |c: &mut CustomerCompany| {
            if let Some(name) = b.name {
                c.name = name.0;
            }
            apply(&mut c.street, b.street);
            apply(&mut c.zip, b.zip);
            apply(&mut c.city, b.city);
            apply(&mut c.country, b.country);
            apply(&mut c.url, b.url);
            apply(&mut c.comments, b.comments);
            if let Some(valid) = b.valid {
                c.valid = valid;
            }
        };
        Ok(Json(self.state.admin.change_company(&caller, &customer_id.0, edit).await?.into()))
    }

    /// Contacts whose login, email or name contains `search`, by login.
    #[oai(path = "/customer-users", method = "get")]
    async fn customer_users(
        &self,
        auth: BearerAuth,
        #[oai(default, validator(max_length = 200))] search: Query<String>,
        #[oai(default = "default_limit", validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<u64>,
    ) -> Result<Json<Vec<CustomerUserDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let found = self.state.admin.customer_users(&caller, &search.0, limit.0).await?;
        Ok(Json(found.into_iter().map(Into::into).collect()))
    }

    #[oai(path = "/customer-users", method = "post")]
    async fn create_customer_user(
        &self,
        auth: BearerAuth,
        body: Json<NewCustomerUserDto>,
    ) -> Result<CreatedCustomerUser, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let user = CustomerUser {
            login: b.login.0,
            email: b.email.0,
            customer_id: b.customer_id.0,
            title: opt(b.title),
            first_name: b.first_name.0,
            last_name: b.last_name.0,
            phone: opt(b.phone),
            mobile: opt(b.mobile),
            street: opt(b.street),
            zip: opt(b.zip),
            city: opt(b.city),
            country: opt(b.country),
            comments: opt(b.comments),
            valid: true,
        };
        let created = self.state.admin.create_customer_user(&caller, user, opt(b.password)).await?;
        Ok(CreatedCustomerUser::Created(Json(created.into())))
    }

    #[oai(path = "/customer-users/:login", method = "get")]
    async fn customer_user(&self, auth: BearerAuth, login: Path<String>) -> Result<Json<CustomerUserDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.customer_user(&caller, &login.0).await?.into()))
    }

    #[oai(path = "/customer-users/:login", method = "patch")]
    async fn change_customer_user(
        &self,
        auth: BearerAuth,
        login: Path<String>,
        body: Json<CustomerUserPatch>,
    ) -> Result<Json<CustomerUserDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let password = opt(b.password);
        let edit = |u: &mut CustomerUser| {
            if let Some(v) = b.email {
                u.email = v.0;
            }
            if let Some(v) = b.customer_id {
                u.customer_id = v.0;
            }
            if let Some(v) = b.first_name {
                u.first_name = v.0;
            }
            if let Some(v) = b.last_name {
                u.last_name = v.0;
            }
            apply(&mut u.title, b.title);
            apply(&mut u.phone, b.phone);
            apply(&mut u.mobile, b.mobile);
            apply(&mut u.street, b.street);
            apply(&mut u.zip, b.zip);
            apply(&mut u.city, b.city);
            apply(&mut u.country, b.country);
            apply(&mut u.comments, b.comments);
            if let Some(valid) = b.valid {
                u.valid = valid;
            }
        };
        let changed = self.state.admin.change_customer_user(&caller, &login.0, edit, password).await?;
        Ok(Json(changed.into()))
    }
}
