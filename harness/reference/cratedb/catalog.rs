//! The tables and privileges the reference CrateDB holds, and statements run against them in
//! CrateDB's order (`docs/spec/cratedb.md` § Privileges): the statement is analysed (relations
//! must exist), then the session user's privileges are checked, and an error about an object the
//! user may not see is masked so it cannot tell an existing table from a missing one. The
//! superuser `crate` skips both checks. Pure: no I/O.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::privileges::{Denial, Permission, Policy, Privileges, Securable};
use super::sql::{Change, Item, Name, On, Statement};

#[derive(Debug, Clone, Default)]
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// An error as `/_sql` answers it: HTTP status, CrateDB's error code and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlError {
    Parse(String),
    MissingPrivilege {
        user: String,
        permission: Permission,
    },
    SchemaUnknown(String),
    RelationUnknown(String),
    RelationExists(String),
    ColumnUnknown(String),
    RoleUnknown(String),
}

impl SqlError {
    /// (HTTP status, CrateDB error code), from `HttpErrorStatus`.
    pub fn status(&self) -> (u16, u32) {
        match self {
            SqlError::Parse(_) => (400, 4000),
            SqlError::MissingPrivilege { .. } => (401, 4011),
            SqlError::RelationUnknown(_) => (404, 4041),
            SqlError::ColumnUnknown(_) => (404, 4043),
            SqlError::SchemaUnknown(_) => (404, 4045),
            SqlError::RoleUnknown(_) => (404, 40410),
            SqlError::RelationExists(_) => (409, 4093),
        }
    }

    /// `ExceptionClass[message]`.
    pub fn message(&self) -> String {
        match self {
            SqlError::Parse(m) => format!("SQLParseException[{m}]"),
            SqlError::MissingPrivilege { user, permission } => {
                format!(
                    "MissingPrivilegeException[Missing '{permission}' privilege for user '{user}']"
                )
            }
            SqlError::SchemaUnknown(s) => format!("SchemaUnknownException[Schema '{s}' unknown]"),
            SqlError::RelationUnknown(r) => format!("RelationUnknown[Relation '{r}' unknown]"),
            SqlError::RelationExists(r) => {
                format!("RelationAlreadyExists[Relation '{r}' already exists.]")
            }
            SqlError::ColumnUnknown(c) => format!("ColumnUnknownException[Column {c} unknown]"),
            SqlError::RoleUnknown(u) => format!("RoleUnknownException[Role '{u}' does not exist]"),
        }
    }

    fn denied(user: &str, denial: Denial) -> SqlError {
        match denial {
            Denial::Missing(permission) => SqlError::MissingPrivilege {
                user: user.to_owned(),
                permission,
            },
            Denial::SchemaUnknown(s) => SqlError::SchemaUnknown(s),
            Denial::RelationUnknown(r) => SqlError::RelationUnknown(r),
        }
    }
}

/// A statement's result: the columns and rows of a query, the row count of anything else.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub cols: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub rowcount: usize,
}

impl Outcome {
    fn count(rowcount: usize) -> Outcome {
        Outcome {
            cols: Vec::new(),
            rows: Vec::new(),
            rowcount,
        }
    }

    pub fn body(&self) -> Value {
        json!({"cols": self.cols, "rows": self.rows, "rowcount": self.rowcount, "duration": 0.1})
    }
}

/// Who runs a statement: their name, whether they skip the checks (`crate`), and which users exist.
pub struct Session<'a> {
    pub user: &'a str,
    pub superuser: bool,
    pub user_exists: &'a dyn Fn(&str) -> bool,
}

#[derive(Debug, Default)]
pub struct Catalog {
    tables: BTreeMap<String, Table>,
    pub privileges: Privileges,
}

impl Catalog {
    pub fn execute(
        &mut self,
        session: &Session,
        statement: Statement,
    ) -> Result<Outcome, SqlError> {
        self.analyse(session, &statement)?;
        if !session.superuser {
            self.authorize(session.user, &statement)
                .map_err(|d| SqlError::denied(session.user, d))?;
        }
        if let Statement::Privileges { users, .. } = &statement
            && let Some(u) = users.iter().find(|u| !(session.user_exists)(u))
        {
            return Err(SqlError::RoleUnknown(u.clone()));
        }
        Ok(self.run(session.user, statement))
    }

    /// The relation exists, or the error the user may be shown about it.
    fn existing(&self, session: &Session, name: &Name) -> Result<String, SqlError> {
        let fqn = name.fqn();
        if self.tables.contains_key(&fqn) {
            return Ok(fqn);
        }
        if session.superuser {
            return Err(SqlError::RelationUnknown(fqn));
        }
        Err(SqlError::denied(
            session.user,
            self.privileges.unknown_relation(session.user, &fqn),
        ))
    }

    fn analyse(&self, session: &Session, statement: &Statement) -> Result<(), SqlError> {
        match statement {
            Statement::Select { items, from, reads } => {
                for name in reads {
                    self.existing(session, name)?;
                }
                let table = match from {
                    Some(name) => Some(&self.tables[&self.existing(session, name)?]),
                    None => None,
                };
                for item in items {
                    match (item, table) {
                        (Item::Star, None) => {
                            return Err(SqlError::Parse("SELECT * without FROM".into()));
                        }
                        (Item::Column(c), Some(t)) if !t.columns.contains(c) => {
                            return Err(SqlError::ColumnUnknown(c.clone()));
                        }
                        (Item::Column(c), None) => return Err(SqlError::ColumnUnknown(c.clone())),
                        _ => {}
                    }
                }
            }
            Statement::Insert {
                table,
                columns,
                rows,
            } => {
                let fqn = self.existing(session, table)?;
                let known = &self.tables[&fqn].columns;
                if let Some(c) = columns.iter().find(|c| !known.contains(c)) {
                    return Err(SqlError::ColumnUnknown(c.clone()));
                }
                let width = if columns.is_empty() {
                    known.len()
                } else {
                    columns.len()
                };
                if rows.iter().any(|r| r.len() != width) {
                    return Err(SqlError::Parse(
                        "INSERT: the values do not match the columns".into(),
                    ));
                }
            }
            Statement::Update { table, set, .. } => {
                let fqn = self.existing(session, table)?;
                let known = &self.tables[&fqn].columns;
                if let Some((c, _)) = set.iter().find(|(c, _)| !known.contains(c)) {
                    return Err(SqlError::ColumnUnknown(c.clone()));
                }
            }
            Statement::Delete { table, .. } => {
                self.existing(session, table)?;
            }
            Statement::Refresh { tables } => {
                for name in tables {
                    self.existing(session, name)?;
                }
            }
            Statement::DropTable { table, if_exists } => {
                if !if_exists {
                    self.existing(session, table)?;
                }
            }
            Statement::CreateTable {
                table,
                if_not_exists,
                ..
            } => {
                let fqn = table.fqn();
                if self.tables.contains_key(&fqn) && !if_not_exists {
                    let shown = Securable::Table(fqn.clone());
                    if !session.superuser && !self.privileges.visible(session.user, &shown) {
                        return Err(SqlError::denied(
                            session.user,
                            self.privileges.unknown_relation(session.user, &fqn),
                        ));
                    }
                    return Err(SqlError::RelationExists(fqn));
                }
            }
            // GRANT and DENY resolve their tables (REVOKE does not): before the AL check, so a
            // user without AL learns whether a table exists (`PrivilegesAnalyzer`).
            Statement::Privileges {
                change,
                on: On::Tables(names),
                ..
            } if *change != Change::Revoke => {
                for name in names {
                    self.existing(session, name)?;
                }
            }
            Statement::Privileges { .. } => {}
        }
        Ok(())
    }

    fn authorize(&self, user: &str, statement: &Statement) -> Result<(), Denial> {
        let p = &self.privileges;
        let table = |n: &Name| Securable::Table(n.fqn());
        match statement {
            Statement::Select { reads: tables, .. } | Statement::Refresh { tables } => tables
                .iter()
                .try_for_each(|n| p.ensure(user, Permission::Dql, &table(n))),
            Statement::Insert { table: t, .. }
            | Statement::Update { table: t, .. }
            | Statement::Delete { table: t, .. } => p.ensure(user, Permission::Dml, &table(t)),
            Statement::CreateTable { table: t, .. } => {
                let schema = t.schema.clone().unwrap_or_else(|| "doc".to_owned());
                p.ensure(user, Permission::Ddl, &Securable::Schema(schema))
            }
            Statement::DropTable { table: t, .. } => {
                if self.tables.contains_key(&t.fqn()) {
                    p.ensure(user, Permission::Ddl, &table(t))
                } else {
                    Ok(())
                }
            }
            Statement::Privileges {
                change,
                permissions,
                on,
                ..
            } => {
                p.ensure(user, Permission::Al, &Securable::Cluster)?;
                // With AL one may grant only what one holds; denying and revoking need AL alone.
                if *change == Change::Grant {
                    for on in securables(on) {
                        for permission in permissions {
                            p.ensure(user, *permission, &on)?;
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn run(&mut self, user: &str, statement: Statement) -> Outcome {
        match statement {
            Statement::Select {
                items, from: None, ..
            } => Outcome {
                cols: items.iter().map(column_title).collect(),
                rows: vec![items.iter().map(|i| scalar(i, user)).collect()],
                rowcount: 1,
            },
            Statement::Select {
                items,
                from: Some(name),
                ..
            } => {
                let table = &self.tables[&name.fqn()];
                let picks: Vec<(String, Option<usize>, Value)> = items
                    .iter()
                    .flat_map(|item| match item {
                        Item::Star => table
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(i, c)| (c.clone(), Some(i), Value::Null))
                            .collect::<Vec<_>>(),
                        Item::Column(c) => {
                            vec![(
                                c.clone(),
                                table.columns.iter().position(|k| k == c),
                                Value::Null,
                            )]
                        }
                        other => vec![(column_title(other), None, scalar(other, user))],
                    })
                    .collect();
                let rows: Vec<Vec<Value>> = table
                    .rows
                    .iter()
                    .map(|row| {
                        picks
                            .iter()
                            .map(|(_, at, value)| {
                                at.map_or_else(|| value.clone(), |i| row[i].clone())
                            })
                            .collect()
                    })
                    .collect();
                Outcome {
                    cols: picks.into_iter().map(|(c, _, _)| c).collect(),
                    rowcount: rows.len(),
                    rows,
                }
            }
            Statement::Insert {
                table,
                columns,
                rows,
            } => {
                let table = self.tables.get_mut(&table.fqn()).expect("analysed");
                let count = rows.len();
                for values in rows {
                    let row = if columns.is_empty() {
                        values
                    } else {
                        table
                            .columns
                            .iter()
                            .map(|c| {
                                columns
                                    .iter()
                                    .position(|k| k == c)
                                    .map_or(Value::Null, |i| values[i].clone())
                            })
                            .collect()
                    };
                    table.rows.push(row);
                }
                Outcome::count(count)
            }
            // WHERE is not evaluated: a filtered UPDATE or DELETE changes nothing.
            Statement::Update { filtered: true, .. } | Statement::Delete { filtered: true, .. } => {
                Outcome::count(0)
            }
            Statement::Update { table, set, .. } => {
                let table = self.tables.get_mut(&table.fqn()).expect("analysed");
                for (column, value) in set {
                    let at = table
                        .columns
                        .iter()
                        .position(|c| *c == column)
                        .expect("analysed");
                    table
                        .rows
                        .iter_mut()
                        .for_each(|row| row[at] = value.clone());
                }
                Outcome::count(table.rows.len())
            }
            Statement::Delete { table, .. } => {
                let table = self.tables.get_mut(&table.fqn()).expect("analysed");
                Outcome::count(std::mem::take(&mut table.rows).len())
            }
            Statement::CreateTable { table, columns, .. } => {
                let created = !self.tables.contains_key(&table.fqn());
                self.tables.entry(table.fqn()).or_insert(Table {
                    columns,
                    rows: Vec::new(),
                });
                Outcome::count(usize::from(created))
            }
            Statement::DropTable { table, .. } => {
                Outcome::count(usize::from(self.tables.remove(&table.fqn()).is_some()))
            }
            Statement::Refresh { tables } => Outcome::count(tables.len()),
            Statement::Privileges {
                change,
                permissions,
                on,
                users,
            } => {
                let mut changed = 0;
                for user in &users {
                    for on in securables(&on) {
                        for permission in &permissions {
                            let p = &mut self.privileges;
                            changed += usize::from(match change {
                                Change::Grant => p.set(user, *permission, &on, Policy::Grant),
                                Change::Deny => p.set(user, *permission, &on, Policy::Deny),
                                Change::Revoke => p.revoke(user, *permission, &on),
                            });
                        }
                    }
                }
                Outcome::count(changed)
            }
        }
    }
}

fn securables(on: &On) -> Vec<Securable> {
    match on {
        On::Cluster => vec![Securable::Cluster],
        On::Schemas(s) => s.iter().cloned().map(Securable::Schema).collect(),
        On::Tables(t) => t.iter().map(|n| Securable::Table(n.fqn())).collect(),
    }
}

fn column_title(item: &Item) -> String {
    match item {
        Item::Star => "*".to_owned(),
        Item::CurrentUser => "current_user".to_owned(),
        Item::Column(c) => c.clone(),
        Item::Literal(v) => v.to_string(),
    }
}

fn scalar(item: &Item, user: &str) -> Value {
    match item {
        Item::CurrentUser => Value::String(user.to_owned()),
        Item::Literal(v) => v.clone(),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests;
