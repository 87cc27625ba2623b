//! CrateDB's privileges (`docs/spec/cratedb.md` § Privileges): `GRANT`/`DENY` entries of a
//! permission on the cluster, a schema or a table; the entry nearest the object decides (table,
//! then schema, then cluster), so a table-level `DENY` beats a schema-level `GRANT`; and a refusal
//! that hides whether an object the user may not see exists. Pure: no I/O.

use std::collections::BTreeMap;
use std::fmt;

/// `DQL`, `DML`, `DDL`, `AL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    Dql,
    Dml,
    Ddl,
    Al,
}

impl Permission {
    /// What `ALL [PRIVILEGES]` stands for.
    pub const ALL: [Permission; 4] = [
        Permission::Dql,
        Permission::Dml,
        Permission::Ddl,
        Permission::Al,
    ];

    pub fn parse(word: &str) -> Option<Permission> {
        match word.to_ascii_uppercase().as_str() {
            "DQL" => Some(Permission::Dql),
            "DML" => Some(Permission::Dml),
            "DDL" => Some(Permission::Ddl),
            "AL" => Some(Permission::Al),
            _ => None,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Permission::Dql => "DQL",
            Permission::Dml => "DML",
            Permission::Ddl => "DDL",
            Permission::Al => "AL",
        })
    }
}

/// What a privilege is on: the cluster, a schema (by name) or a table (`schema.table`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Securable {
    Cluster,
    Schema(String),
    Table(String),
}

impl Securable {
    /// The next level up: a table's schema, a schema's cluster.
    fn parent(&self) -> Option<Securable> {
        match self {
            Securable::Cluster => None,
            Securable::Schema(_) => Some(Securable::Cluster),
            Securable::Table(fqn) => Some(Securable::Schema(schema_of(fqn).to_owned())),
        }
    }

    /// `information_schema` and `pg_catalog` are never protected.
    fn unprotected(&self) -> bool {
        let schema = match self {
            Securable::Cluster => return false,
            Securable::Schema(s) => s.as_str(),
            Securable::Table(fqn) => schema_of(fqn),
        };
        schema == "information_schema" || schema == "pg_catalog"
    }
}

pub fn schema_of(fqn: &str) -> &str {
    fqn.split_once('.').map_or("doc", |(schema, _)| schema)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Grant,
    Deny,
}

/// Why a statement may not run, as the user is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// `Missing 'DQL' privilege for user 'alice'` (the object is visible to the user).
    Missing(Permission),
    /// The object is invisible: answered as though its schema did not exist…
    SchemaUnknown(String),
    /// …or, when the schema is visible, as though the table did not exist.
    RelationUnknown(String),
}

/// Every user's entries, and the two ways a flawed server gets them wrong.
#[derive(Debug, Default)]
pub struct Privileges {
    entries: BTreeMap<String, BTreeMap<(Permission, Securable), Policy>>,
    /// The flaw `deny-ignored`: `DENY` entries are passed over, so a `GRANT` above them decides.
    pub deny_ignored: bool,
    /// The flaw `table-existence-leaked`: a refusal says "missing privilege" even for objects
    /// the user may not see, so an existing table answers otherwise than a missing one.
    pub existence_leaked: bool,
}

impl Privileges {
    /// `GRANT`/`DENY`: sets the entry; true when it changed.
    pub fn set(
        &mut self,
        user: &str,
        permission: Permission,
        on: &Securable,
        policy: Policy,
    ) -> bool {
        let entries = self.entries.entry(user.to_owned()).or_default();
        entries.insert((permission, on.clone()), policy) != Some(policy)
    }

    /// `REVOKE`: removes a granted or denied entry; true when there was one.
    pub fn revoke(&mut self, user: &str, permission: Permission, on: &Securable) -> bool {
        self.entries
            .get_mut(user)
            .is_some_and(|e| e.remove(&(permission, on.clone())).is_some())
    }

    fn counted(&self, policy: Policy) -> bool {
        !(self.deny_ignored && policy == Policy::Deny)
    }

    /// The entry of `permission` nearest `on`, walking up the levels.
    fn policy(&self, user: &str, permission: Permission, on: &Securable) -> Option<Policy> {
        let entries = self.entries.get(user)?;
        let mut level = Some(on.clone());
        while let Some(current) = level {
            if let Some(&p) = entries.get(&(permission, current.clone()))
                && self.counted(p)
            {
                return Some(p);
            }
            level = current.parent();
        }
        None
    }

    pub fn has(&self, user: &str, permission: Permission, on: &Securable) -> bool {
        on.unprotected() || self.policy(user, permission, on) == Some(Policy::Grant)
    }

    /// Whether any permission makes `on` visible: at the nearest level with entries on it, a `DENY`
    /// among them hides it and a `GRANT` shows it.
    pub fn visible(&self, user: &str, on: &Securable) -> bool {
        if on.unprotected() {
            return true;
        }
        let Some(entries) = self.entries.get(user) else {
            return false;
        };
        let mut level = Some(on.clone());
        while let Some(current) = level {
            let policies: Vec<Policy> = entries
                .iter()
                .filter(|((_, o), p)| *o == current && self.counted(**p))
                .map(|(_, p)| *p)
                .collect();
            if !policies.is_empty() {
                return !policies.contains(&Policy::Deny);
            }
            level = current.parent();
        }
        false
    }

    /// Whether `user` may use `permission` on `on`, and if not, what they are told.
    pub fn ensure(&self, user: &str, permission: Permission, on: &Securable) -> Result<(), Denial> {
        if self.has(user, permission, on) {
            return Ok(());
        }
        if self.visible(user, on) || self.existence_leaked {
            return Err(Denial::Missing(permission));
        }
        Err(self.hidden(user, on, permission))
    }

    /// A relation that does not exist, as `user` is told of it: named only when they may see
    /// its schema.
    pub fn unknown_relation(&self, user: &str, fqn: &str) -> Denial {
        let table = Securable::Table(fqn.to_owned());
        if self.visible(user, &table) || self.existence_leaked {
            return Denial::RelationUnknown(fqn.to_owned());
        }
        self.hidden(user, &table, Permission::Dql)
    }

    fn hidden(&self, user: &str, on: &Securable, permission: Permission) -> Denial {
        match on {
            Securable::Cluster => Denial::Missing(permission),
            Securable::Schema(s) => Denial::SchemaUnknown(s.clone()),
            Securable::Table(fqn) => {
                let schema = schema_of(fqn).to_owned();
                if self.visible(user, &Securable::Schema(schema.clone())) {
                    Denial::RelationUnknown(fqn.clone())
                } else {
                    Denial::SchemaUnknown(schema)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(fqn: &str) -> Securable {
        Securable::Table(fqn.to_owned())
    }
    fn schema(name: &str) -> Securable {
        Securable::Schema(name.to_owned())
    }

    #[test]
    fn the_nearest_entry_decides() {
        let mut p = Privileges::default();
        p.set("riley", Permission::Dql, &schema("doc"), Policy::Grant);
        p.set(
            "riley",
            Permission::Dql,
            &table("doc.accounting"),
            Policy::Deny,
        );
        assert!(p.has("riley", Permission::Dql, &table("doc.books")));
        assert!(!p.has("riley", Permission::Dql, &table("doc.accounting")));
        assert!(!p.has("riley", Permission::Dml, &table("doc.books")));
        // A table-level GRANT beats a schema-level DENY too.
        p.set("kala", Permission::Dql, &schema("doc"), Policy::Deny);
        p.set("kala", Permission::Dql, &table("doc.books"), Policy::Grant);
        assert!(p.has("kala", Permission::Dql, &table("doc.books")));
        assert!(!p.has("kala", Permission::Dql, &table("doc.other")));
        // Cluster-wide.
        p.set(
            "wolfgang",
            Permission::Dml,
            &Securable::Cluster,
            Policy::Grant,
        );
        assert!(p.has("wolfgang", Permission::Dml, &table("any.thing")));
    }

    #[test]
    fn revoke_removes_grants_and_denials() {
        let mut p = Privileges::default();
        assert!(p.set("a", Permission::Dql, &table("doc.t"), Policy::Deny));
        assert!(!p.set("a", Permission::Dql, &table("doc.t"), Policy::Deny));
        assert!(p.revoke("a", Permission::Dql, &table("doc.t")));
        assert!(!p.revoke("a", Permission::Dql, &table("doc.t")));
        assert!(!p.has("a", Permission::Dql, &table("doc.t")));
    }

    #[test]
    fn refusals_hide_what_the_user_may_not_see() {
        let mut p = Privileges::default();
        p.set(
            "alice",
            Permission::Dql,
            &table("s.readable"),
            Policy::Grant,
        );
        // Visible: told what is missing.
        assert_eq!(
            p.ensure("alice", Permission::Dml, &table("s.readable")),
            Err(Denial::Missing(Permission::Dml))
        );
        // Invisible, and so is its schema: the schema is "unknown", existing table or not.
        let secret = p.ensure("alice", Permission::Dql, &table("s.secret"));
        assert_eq!(secret, Err(Denial::SchemaUnknown("s".into())));
        assert_eq!(p.unknown_relation("alice", "s.ghost"), secret.unwrap_err());
        // A visible schema: the relation is "unknown".
        p.set("carol", Permission::Dql, &schema("s"), Policy::Grant);
        p.set("carol", Permission::Dql, &table("s.secret"), Policy::Deny);
        assert_eq!(
            p.ensure("carol", Permission::Dql, &table("s.secret")),
            Err(Denial::RelationUnknown("s.secret".into()))
        );
        assert_eq!(
            p.unknown_relation("carol", "s.ghost"),
            Denial::RelationUnknown("s.ghost".into())
        );
        // Cluster statements say what is missing.
        assert_eq!(
            p.ensure("alice", Permission::Al, &Securable::Cluster),
            Err(Denial::Missing(Permission::Al))
        );
        assert!(p.has(
            "nobody",
            Permission::Dql,
            &table("information_schema.tables")
        ));
    }

    #[test]
    fn the_flaws() {
        let mut p = Privileges::default();
        p.set("carol", Permission::Dql, &schema("s"), Policy::Grant);
        p.set("carol", Permission::Dql, &table("s.secret"), Policy::Deny);
        p.set(
            "alice",
            Permission::Dql,
            &table("s.readable"),
            Policy::Grant,
        );
        p.deny_ignored = true;
        assert!(p.has("carol", Permission::Dql, &table("s.secret")));
        p.deny_ignored = false;
        p.existence_leaked = true;
        assert_eq!(
            p.ensure("alice", Permission::Dql, &table("s.secret")),
            Err(Denial::Missing(Permission::Dql))
        );
        assert_eq!(
            p.unknown_relation("alice", "s.ghost"),
            Denial::RelationUnknown("s.ghost".into())
        );
    }
}
