//! Weaviate's role-based access control (v1.29+, `docs/spec/weaviate.md` § RBAC): the built-in
//! `root` and `viewer` roles, custom roles of permissions (an action on a resource scoped by
//! collection, role or user name, `*` wildcards), roles assigned to and revoked from users, and
//! the rule that a user may grant only what they hold. The state lives in the server; the routes
//! in `authz.rs` change it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::flaws::{Flaw, Flaws};

pub const ROOT: &str = "root";
pub const VIEWER: &str = "viewer";

/// One permission: an action and the name it is scoped to (a collection, a role, a user; `*` for
/// all). Actions without a resource (`read_cluster`) have `*`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Permission {
    pub action: String,
    pub scope: String,
}

/// The resource key of each action family in the API's permission objects.
const FAMILIES: [(&str, &str, &str); 7] = [
    ("_collections", "collections", "collection"),
    ("_data", "data", "collection"),
    ("_tenants", "tenants", "collection"),
    ("_roles", "roles", "role"),
    ("_users", "users", "users"),
    ("_nodes", "nodes", "collection"),
    ("_backups", "backups", "collection"),
];

const ACTIONS: [&str; 22] = [
    "create_collections",
    "read_collections",
    "update_collections",
    "delete_collections",
    "create_data",
    "read_data",
    "update_data",
    "delete_data",
    "create_tenants",
    "read_tenants",
    "update_tenants",
    "delete_tenants",
    "create_roles",
    "read_roles",
    "update_roles",
    "delete_roles",
    "read_users",
    "assign_and_revoke_users",
    "read_cluster",
    "read_nodes",
    "manage_backups",
    "read_backups",
];

impl Permission {
    /// `{"action": "read_data", "data": {"collection": "Movies"}}` as the clients send it.
    pub fn from_json(v: &Value) -> Result<Permission, String> {
        let action = v["action"]
            .as_str()
            .ok_or("a permission needs an `action`")?;
        if !ACTIONS.contains(&action) {
            return Err(format!("unknown action {action:?}"));
        }
        let scope = FAMILIES
            .iter()
            .find(|(suffix, _, _)| action.ends_with(suffix))
            .map(|(_, family, key)| {
                v[family][key]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("*")
                    .to_owned()
            })
            .unwrap_or_else(|| "*".into());
        Ok(Permission {
            action: action.to_owned(),
            scope,
        })
    }

    pub fn to_json(&self) -> Value {
        match FAMILIES.iter().find(|(s, _, _)| self.action.ends_with(s)) {
            // The clients read a nodes permission's verbosity.
            Some((_, "nodes", key)) => {
                json!({"action": self.action, "nodes": {*key: self.scope, "verbosity": "minimal"}})
            }
            Some((_, family, key)) => json!({"action": self.action, *family: {*key: self.scope}}),
            None => json!({"action": self.action}),
        }
    }

    /// Whether this permission allows `action` on `name`.
    fn allows(&self, action: &str, name: &str, flaws: &Flaws) -> bool {
        if self.action != action {
            return false;
        }
        if flaws.has(Flaw::ScopeIgnored) && self.action.ends_with("_data")
            || flaws.has(Flaw::ScopeIgnored) && self.action.ends_with("_collections")
        {
            return true;
        }
        if flaws.has(Flaw::WildcardTooWide) && self.scope.contains('*') {
            return true;
        }
        wildcard_match(&self.scope, name)
    }
}

/// `*` stands for any run of characters; everything else matches itself, case-sensitively.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|i| rest.is_char_boundary(*i))
                .any(|i| wildcard_match(tail, &rest[i..]))
        }
    }
}

/// Why a change to roles or assignments was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// 403: the caller lacks the permission (or would grant more than they hold).
    Forbidden(String),
    /// 400: a built-in role cannot be changed, created or deleted.
    BuiltIn(String),
    /// 404
    NoSuchRole(String),
    /// 409
    Exists(String),
    /// 422
    Invalid(String),
}

pub struct Rbac {
    root_users: Vec<String>,
    viewer_users: Vec<String>,
    roles: Mutex<BTreeMap<String, BTreeSet<Permission>>>,
    assigned: Mutex<BTreeMap<String, BTreeSet<String>>>,
    /// With the flaw `revocation-cached`: each user's permissions as first looked up.
    cache: Mutex<BTreeMap<String, Vec<Permission>>>,
    pub(super) flaws: Flaws,
}

impl Rbac {
    pub fn new(root_users: Vec<String>, viewer_users: Vec<String>) -> Result<Rbac, String> {
        if root_users.is_empty() {
            return Err(
                "AUTHORIZATION_RBAC_ROOT_USERS names no user: with RBAC enabled Weaviate needs at least one root user and does not start".into(),
            );
        }
        Ok(Rbac {
            root_users,
            viewer_users,
            roles: Mutex::new(BTreeMap::new()),
            assigned: Mutex::new(BTreeMap::new()),
            cache: Mutex::new(BTreeMap::new()),
            flaws: Flaws::default(),
        })
    }

    fn built_in(name: &str) -> bool {
        name == ROOT || name == VIEWER
    }

    /// The roles of `user`: built-in ones from the settings, then the assigned ones.
    pub fn roles_of(&self, user: &str) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = lock(&self.assigned).get(user).cloned().unwrap_or_default();
        if self.root_users.iter().any(|u| u == user) {
            out.insert(ROOT.into());
        }
        if self.viewer_users.iter().any(|u| u == user) {
            out.insert(VIEWER.into());
        }
        out
    }

    fn permissions_of_role(&self, role: &str) -> Vec<Permission> {
        match role {
            ROOT => ACTIONS
                .iter()
                .map(|a| Permission {
                    action: (*a).into(),
                    scope: "*".into(),
                })
                .collect(),
            VIEWER => ACTIONS
                .iter()
                .filter(|a| a.starts_with("read_"))
                .map(|a| Permission {
                    action: (*a).into(),
                    scope: "*".into(),
                })
                .collect(),
            custom => lock(&self.roles)
                .get(custom)
                .map(|p| p.iter().cloned().collect())
                .unwrap_or_default(),
        }
    }

    fn permissions_of(&self, user: &str) -> Vec<Permission> {
        let fresh = || {
            self.roles_of(user)
                .iter()
                .flat_map(|r| self.permissions_of_role(r))
                .collect::<Vec<_>>()
        };
        if self.flaws.has(Flaw::RevocationCached) {
            return lock(&self.cache)
                .entry(user.to_owned())
                .or_insert_with(fresh)
                .clone();
        }
        fresh()
    }

    /// Whether `user` may do `action` on `name`.
    pub fn allows(&self, user: &str, action: &str, name: &str) -> bool {
        self.permissions_of(user)
            .iter()
            .any(|p| p.allows(action, name, &self.flaws))
    }

    /// The caller holds every permission of `wanted` (what "you may grant only what you hold"
    /// means for role management with scope `match`).
    fn holds_all<'a>(&self, user: &str, wanted: impl IntoIterator<Item = &'a Permission>) -> bool {
        wanted
            .into_iter()
            .all(|p| self.allows(user, &p.action, &p.scope))
    }

    fn forbidden(user: &str, action: &str, name: &str) -> Refused {
        Refused::Forbidden(format!(
            "authorization, forbidden action: user '{user}' has insufficient permissions to {action} [{name}]"
        ))
    }

    pub fn create_role(&self, user: &str, body: &Value) -> Result<(), Refused> {
        let name = body["name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Refused::Invalid("a role needs a `name`".into()))?;
        let permissions = parse_permissions(&body["permissions"])?;
        if !self.allows(user, "create_roles", name) {
            return Err(Self::forbidden(user, "create_roles", name));
        }
        if Self::built_in(name) {
            return Err(Refused::BuiltIn(format!(
                "you can not create a role with the built-in name {name:?}"
            )));
        }
        if !self.holds_all(user, &permissions) {
            return Err(Self::forbidden(
                user,
                "create_roles with permissions it does not hold",
                name,
            ));
        }
        let mut roles = lock(&self.roles);
        if roles.contains_key(name) {
            return Err(Refused::Exists(format!("role {name:?} already exists")));
        }
        roles.insert(name.to_owned(), permissions.into_iter().collect());
        Ok(())
    }

    pub fn delete_role(&self, user: &str, name: &str) -> Result<(), Refused> {
        if !self.allows(user, "delete_roles", name) {
            return Err(Self::forbidden(user, "delete_roles", name));
        }
        if Self::built_in(name) {
            return Err(Refused::BuiltIn(format!(
                "you can not delete the built-in role {name:?}"
            )));
        }
        lock(&self.roles).remove(name);
        for roles in lock(&self.assigned).values_mut() {
            roles.remove(name);
        }
        Ok(())
    }

    /// `add-permissions` (`add`) and `remove-permissions`.
    pub fn change_permissions(
        &self,
        user: &str,
        name: &str,
        body: &Value,
        add: bool,
    ) -> Result<(), Refused> {
        let permissions = parse_permissions(&body["permissions"])?;
        if !self.allows(user, "update_roles", name) {
            return Err(Self::forbidden(user, "update_roles", name));
        }
        if Self::built_in(name) {
            return Err(Refused::BuiltIn(format!(
                "you can not change the built-in role {name:?}"
            )));
        }
        if add && !self.holds_all(user, &permissions) {
            return Err(Self::forbidden(
                user,
                "update_roles with permissions it does not hold",
                name,
            ));
        }
        let mut roles = lock(&self.roles);
        let role = roles
            .get_mut(name)
            .ok_or_else(|| Refused::NoSuchRole(format!("role {name:?} not found")))?;
        for p in permissions {
            if add {
                role.insert(p);
            } else {
                role.remove(&p);
            }
        }
        Ok(())
    }

    /// `assign` (`grant`) or `revoke` the roles in `body` to or from `target`.
    pub fn assign(
        &self,
        user: &str,
        target: &str,
        body: &Value,
        grant: bool,
    ) -> Result<(), Refused> {
        let names: Vec<String> = body["roles"]
            .as_array()
            .ok_or_else(|| Refused::Invalid("`roles` must be a list of role names".into()))?
            .iter()
            .map(|r| {
                r.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| Refused::Invalid("a role name must be a string".into()))
            })
            .collect::<Result<_, _>>()?;
        let known = |n: &String| Self::built_in(n) || lock(&self.roles).contains_key(n);
        if let Some(missing) = names.iter().find(|n| !known(n)) {
            return Err(Refused::NoSuchRole(format!("role {missing:?} not found")));
        }
        if !self.flaws.has(Flaw::SelfAssignmentAllowed) {
            if !self.allows(user, "assign_and_revoke_users", target) {
                return Err(Self::forbidden(user, "assign_and_revoke_users", target));
            }
            // Only a role whose every permission the caller holds may be given away.
            for name in names.iter().filter(|_| grant) {
                if !self.holds_all(user, &self.permissions_of_role(name)) {
                    return Err(Self::forbidden(
                        user,
                        &format!("assign the role {name}"),
                        target,
                    ));
                }
            }
        }
        let mut assigned = lock(&self.assigned);
        let roles = assigned.entry(target.to_owned()).or_default();
        for name in names {
            if grant {
                roles.insert(name);
            } else {
                roles.remove(&name);
            }
        }
        Ok(())
    }

    /// Every role `user` may read, with its permissions.
    pub fn list_roles(&self, user: &str) -> Vec<Value> {
        let mut names: Vec<String> = vec![ROOT.into(), VIEWER.into()];
        names.extend(lock(&self.roles).keys().cloned());
        names
            .into_iter()
            .filter(|n| self.allows(user, "read_roles", n))
            .map(|n| self.role_json(&n))
            .collect()
    }

    pub fn get_role(&self, user: &str, name: &str) -> Result<Value, Refused> {
        if !self.allows(user, "read_roles", name) {
            return Err(Self::forbidden(user, "read_roles", name));
        }
        if !Self::built_in(name) && !lock(&self.roles).contains_key(name) {
            return Err(Refused::NoSuchRole(format!("role {name:?} not found")));
        }
        Ok(self.role_json(name))
    }

    fn role_json(&self, name: &str) -> Value {
        let permissions: Vec<Value> = self
            .permissions_of_role(name)
            .iter()
            .map(Permission::to_json)
            .collect();
        json!({"name": name, "permissions": permissions})
    }

    /// The roles of `target`, for the caller: their own, or anyone's with `read_users`.
    pub fn roles_json(&self, user: &str, target: &str) -> Result<Value, Refused> {
        if user != target && !self.allows(user, "read_users", target) {
            return Err(Self::forbidden(user, "read_users", target));
        }
        Ok(Value::Array(
            self.roles_of(target)
                .iter()
                .map(|r| self.role_json(r))
                .collect(),
        ))
    }
}

fn parse_permissions(v: &Value) -> Result<Vec<Permission>, Refused> {
    let list = v
        .as_array()
        .ok_or_else(|| Refused::Invalid("`permissions` must be a list".into()))?;
    list.iter()
        .map(|p| Permission::from_json(p).map_err(Refused::Invalid))
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests;
