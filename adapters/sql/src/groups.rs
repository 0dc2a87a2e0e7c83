//! Groups, roles and grants: `permission_groups` (or `groups` on OTRS ≤ 6), `roles`,
//! `group_user`, `role_user` and `group_role`.

use async_trait::async_trait;
use goats_core::model::*;
use goats_core::permission::Permission;
use goats_core::ports::GroupRepository;
use goats_core::{DomainError, DomainResult};
use sea_orm::{ConnectionTrait, Value};

use crate::connection::Db;
use crate::error::to_domain;
use crate::row::{Decoded, int, opt_text, text};

impl Db {
    async fn named_rows(&self, table: &str) -> DomainResult<Vec<(i32, String, Option<String>, bool)>> {
        // By name in any case, whatever the engine's collation.
        let sql = format!("SELECT id, name, comments, valid_id FROM {table} ORDER BY LOWER(name), name");
        let rows = self.conn.query_all_raw(self.stmt(&sql, [])).await.map_err(to_domain)?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok((
                    int(r, "id")? as i32,
                    text(r, "name")?,
                    opt_text(r, "comments")?,
                    Valid::is_valid(int(r, "valid_id")? as i32),
                ))
            })
            .collect::<Decoded<_>>()?)
    }

    async fn create_named(&self, table: &str, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<i32> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DomainError::invalid("name", "a name of 1 to 200 characters is required"));
        }
        let id = self
            .insert_audited(
                table,
                &["name", "comments", "valid_id"],
                vec![name.into(), comments.map(str::to_string).into(), 1.into()],
                by,
            )
            .await?;
        Ok(id as i32)
    }

    async fn update_named(
        &self,
        table: &str,
        id: i32,
        name: &str,
        comments: Option<&str>,
        by: UserId,
    ) -> DomainResult<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DomainError::invalid("name", "a name of 1 to 200 characters is required"));
        }
        let sql = format!("UPDATE {table} SET name = ?, comments = ?, change_time = ?, change_by = ? WHERE id = ?");
        let values = [name.into(), comments.map(str::to_string).into(), self.now().into(), by.into(), id.into()];
        let _w = self.write_guard().await;
        let r = self.conn.execute_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        if r.rows_affected() == 0 {
            return Err(DomainError::not_found(if table == "roles" { "role" } else { "group" }, id));
        }
        Ok(())
    }

    async fn delete(&self, sql: &str, values: Vec<Value>) -> DomainResult<()> {
        let _w = self.write_guard().await;
        self.conn.execute_raw(self.stmt(sql, values)).await.map_err(to_domain)?;
        Ok(())
    }

    async fn exists(&self, sql: &str, values: Vec<Value>) -> DomainResult<bool> {
        Ok(self.conn.query_one_raw(self.stmt(sql, values)).await.map_err(to_domain)?.is_some())
    }
}

#[async_trait]
impl GroupRepository for Db {
    async fn groups(&self) -> DomainResult<Vec<Group>> {
        Ok(self
            .named_rows(self.groups_table)
            .await?
            .into_iter()
            .map(|(id, name, comments, valid)| Group { id, name, comments, valid })
            .collect())
    }

    async fn create_group(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<GroupId> {
        self.create_named(self.groups_table, name, comments, by).await
    }

    async fn roles(&self) -> DomainResult<Vec<Role>> {
        Ok(self
            .named_rows("roles")
            .await?
            .into_iter()
            .map(|(id, name, comments, valid)| Role { id, name, comments, valid })
            .collect())
    }

    async fn create_role(&self, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<RoleId> {
        self.create_named("roles", name, comments, by).await
    }

    async fn grant_user(&self, user: UserId, group: GroupId, p: Permission, by: UserId) -> DomainResult<()> {
        let held = "SELECT id FROM group_user WHERE user_id = ? AND group_id = ? AND permission_key = ?";
        if self.exists(held, vec![user.into(), group.into(), p.key().into()]).await? {
            return Ok(());
        }
        self.insert_audited(
            "group_user",
            &["user_id", "group_id", "permission_key"],
            vec![user.into(), group.into(), p.key().into()],
            by,
        )
        .await
        .map(|_| ())
    }

    async fn revoke_user(&self, user: UserId, group: GroupId, p: Permission) -> DomainResult<()> {
        let sql = "DELETE FROM group_user WHERE user_id = ? AND group_id = ? AND permission_key = ?";
        self.delete(sql, vec![user.into(), group.into(), p.key().into()]).await
    }

    async fn grant_role(&self, role: RoleId, group: GroupId, p: Permission, by: UserId) -> DomainResult<()> {
        let held = "SELECT id FROM group_role WHERE role_id = ? AND group_id = ? AND permission_key = ? AND permission_value = 1";
        if self.exists(held, vec![role.into(), group.into(), p.key().into()]).await? {
            return Ok(());
        }
        self.insert_audited(
            "group_role",
            &["role_id", "group_id", "permission_key", "permission_value"],
            vec![role.into(), group.into(), p.key().into(), 1.into()],
            by,
        )
        .await
        .map(|_| ())
    }

    async fn add_user_to_role(&self, user: UserId, role: RoleId, by: UserId) -> DomainResult<()> {
        if self
            .exists("SELECT id FROM role_user WHERE user_id = ? AND role_id = ?", vec![user.into(), role.into()])
            .await?
        {
            return Ok(());
        }
        let now = self.now();
        let _w = self.write_guard().await;
        self.conn
            .execute_raw(self.stmt(
                "INSERT INTO role_user (user_id, role_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, ?, ?)",
                [user.into(), role.into(), now.into(), by.into(), now.into(), by.into()],
            ))
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn direct_grants(&self, user: UserId) -> DomainResult<Vec<GroupGrant>> {
        let sql = "SELECT group_id, permission_key FROM group_user WHERE user_id = ?";
        let rows = self.conn.query_all_raw(self.stmt(sql, [user.into()])).await.map_err(to_domain)?;
        Ok(grants(&rows)?)
    }

    async fn grants_for(&self, user: UserId) -> DomainResult<Vec<GroupGrant>> {
        let g = self.groups_table;
        let sql = format!(
            "SELECT gu.group_id, gu.permission_key FROM group_user gu \
             JOIN {g} g ON g.id = gu.group_id JOIN users u ON u.id = gu.user_id \
             WHERE gu.user_id = ? AND g.valid_id = 1 AND u.valid_id = 1 \
             UNION ALL \
             SELECT gr.group_id, gr.permission_key FROM role_user ru \
             JOIN roles r ON r.id = ru.role_id JOIN group_role gr ON gr.role_id = r.id \
             JOIN {g} g ON g.id = gr.group_id JOIN users u ON u.id = ru.user_id \
             WHERE ru.user_id = ? AND r.valid_id = 1 AND g.valid_id = 1 AND u.valid_id = 1 AND gr.permission_value = 1"
        );
        let rows = self.conn.query_all_raw(self.stmt(&sql, [user.into(), user.into()])).await.map_err(to_domain)?;
        Ok(grants(&rows)?)
    }

    async fn set_group_valid(&self, id: GroupId, valid: bool, by: UserId) -> DomainResult<()> {
        self.set_valid_id(self.groups_table, "id", id.into(), valid, by).await
    }

    async fn set_role_valid(&self, id: RoleId, valid: bool, by: UserId) -> DomainResult<()> {
        self.set_valid_id("roles", "id", id.into(), valid, by).await
    }

    async fn update_group(&self, id: GroupId, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<()> {
        self.update_named(self.groups_table, id, name, comments, by).await
    }

    async fn update_role(&self, id: RoleId, name: &str, comments: Option<&str>, by: UserId) -> DomainResult<()> {
        self.update_named("roles", id, name, comments, by).await
    }

    async fn role_grants(&self, role: RoleId) -> DomainResult<Vec<GroupGrant>> {
        let sql = "SELECT group_id, permission_key FROM group_role WHERE role_id = ? AND permission_value = 1";
        let rows = self.conn.query_all_raw(self.stmt(sql, [role.into()])).await.map_err(to_domain)?;
        Ok(grants(&rows)?)
    }

    async fn revoke_role(&self, role: RoleId, group: GroupId, p: Permission) -> DomainResult<()> {
        let sql = "DELETE FROM group_role WHERE role_id = ? AND group_id = ? AND permission_key = ?";
        self.delete(sql, vec![role.into(), group.into(), p.key().into()]).await
    }

    async fn role_members(&self, role: RoleId) -> DomainResult<Vec<UserId>> {
        let sql = "SELECT user_id FROM role_user WHERE role_id = ? ORDER BY user_id";
        let rows = self.conn.query_all_raw(self.stmt(sql, [role.into()])).await.map_err(to_domain)?;
        Ok(rows.iter().map(|r| int(r, "user_id").map(|id| id as UserId)).collect::<Decoded<_>>()?)
    }

    async fn remove_user_from_role(&self, user: UserId, role: RoleId) -> DomainResult<()> {
        let sql = "DELETE FROM role_user WHERE user_id = ? AND role_id = ?";
        self.delete(sql, vec![user.into(), role.into()]).await
    }
}

/// Rows of `group_id` and `permission_key`; a key goats does not know is skipped.
fn grants(rows: &[sea_orm::QueryResult]) -> Decoded<Vec<GroupGrant>> {
    let mut grants = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(permission) = Permission::from_key(&text(r, "permission_key")?) {
            grants.push(GroupGrant { group_id: int(r, "group_id")? as i32, permission });
        }
    }
    Ok(grants)
}
