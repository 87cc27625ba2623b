use super::*;
use crate::cratedb::sql::parse;
use proptest::prelude::*;

const USERS: [&str; 4] = ["crate", "alice", "carol", "dave"];

fn exists(user: &str) -> bool {
    USERS.contains(&user)
}

fn as_user(catalog: &mut Catalog, user: &str, stmt: &str) -> Result<Outcome, SqlError> {
    let session = Session {
        user,
        superuser: user == "crate",
        user_exists: &exists,
    };
    catalog.execute(&session, parse(stmt, &[]).unwrap())
}

/// s.readable and s.secret with a row each; alice may read s.readable, carol the schema but not
/// s.secret, dave holds AL and DQL on s.readable.
fn set_up() -> Catalog {
    let mut c = Catalog::default();
    for stmt in [
        "CREATE TABLE s.readable (id INTEGER, note TEXT)",
        "CREATE TABLE s.secret (id INTEGER, note TEXT)",
        "INSERT INTO s.readable (id, note) VALUES (1, 'open')",
        "INSERT INTO s.secret VALUES (2, 'hidden')",
        "GRANT DQL ON TABLE s.readable TO alice",
        "GRANT DQL, DML ON SCHEMA s TO carol",
        "DENY DQL, DML ON TABLE s.secret TO carol",
        "GRANT AL, DQL TO dave",
        "DENY DQL ON SCHEMA s TO dave",
        "GRANT DQL ON TABLE s.readable TO dave",
    ] {
        as_user(&mut c, "crate", stmt).unwrap_or_else(|e| panic!("{stmt}: {e:?}"));
    }
    c
}

#[test]
fn the_superuser_does_anything_and_sees_real_errors() {
    let mut c = set_up();
    let secret = as_user(&mut c, "crate", "SELECT note FROM s.secret").unwrap();
    assert_eq!(secret.rows, vec![vec![json!("hidden")]]);
    assert_eq!(
        as_user(&mut c, "crate", "SELECT * FROM s.ghost"),
        Err(SqlError::RelationUnknown("s.ghost".into()))
    );
    assert_eq!(
        as_user(&mut c, "crate", "CREATE TABLE s.secret (id INTEGER)"),
        Err(SqlError::RelationExists("s.secret".into()))
    );
    assert_eq!(
        as_user(&mut c, "crate", "GRANT DQL TO nobody"),
        Err(SqlError::RoleUnknown("nobody".into()))
    );
}

#[test]
fn dql_on_one_table_reads_it_and_not_another_and_writes_nothing() {
    let mut c = set_up();
    let read = as_user(&mut c, "alice", "SELECT * FROM s.readable").unwrap();
    assert_eq!(read.cols, ["id", "note"]);
    assert_eq!(read.rows, vec![vec![json!(1), json!("open")]]);
    let hidden = as_user(&mut c, "alice", "SELECT * FROM s.secret");
    assert_eq!(hidden, Err(SqlError::SchemaUnknown("s".into())));
    // A missing table is answered exactly alike.
    assert_eq!(as_user(&mut c, "alice", "SELECT * FROM s.ghost"), hidden);
    // A join reading the secret table is refused too.
    assert!(
        as_user(
            &mut c,
            "alice",
            "SELECT * FROM s.readable JOIN s.secret ON true"
        )
        .is_err()
    );
    assert_eq!(
        as_user(&mut c, "alice", "INSERT INTO s.readable VALUES (3, 'x')"),
        Err(SqlError::MissingPrivilege {
            user: "alice".into(),
            permission: Permission::Dml
        })
    );
    assert!(as_user(&mut c, "alice", "DROP TABLE s.readable").is_err());
    assert!(as_user(&mut c, "alice", "REFRESH TABLE s.readable").is_ok());
    assert!(as_user(&mut c, "alice", "REFRESH TABLE s.secret").is_err());
    assert_eq!(
        as_user(&mut c, "alice", "SELECT CURRENT_USER")
            .unwrap()
            .rows,
        vec![vec![json!("alice")]]
    );
}

#[test]
fn deny_beats_a_schema_level_grant() {
    let mut c = set_up();
    assert!(as_user(&mut c, "carol", "SELECT * FROM s.readable").is_ok());
    assert!(as_user(&mut c, "carol", "INSERT INTO s.readable VALUES (4, 'y')").is_ok());
    assert_eq!(
        as_user(&mut c, "carol", "SELECT * FROM s.secret"),
        Err(SqlError::RelationUnknown("s.secret".into()))
    );
    assert!(as_user(&mut c, "carol", "DELETE FROM s.secret").is_err());
    c.privileges.deny_ignored = true;
    assert!(as_user(&mut c, "carol", "SELECT * FROM s.secret").is_ok());
}

#[test]
fn granting_needs_al_and_only_what_one_holds() {
    let mut c = set_up();
    // The table is resolved before the AL check, as CrateDB's analyser does.
    assert_eq!(
        as_user(&mut c, "alice", "GRANT DQL ON TABLE s.secret TO alice"),
        Err(SqlError::MissingPrivilege {
            user: "alice".into(),
            permission: Permission::Al
        })
    );
    assert_eq!(
        as_user(&mut c, "alice", "GRANT DQL ON TABLE s.ghost TO alice"),
        Err(SqlError::SchemaUnknown("s".into()))
    );
    assert_eq!(
        as_user(&mut c, "alice", "GRANT DQL ON TABLE s.readable TO carol"),
        Err(SqlError::MissingPrivilege {
            user: "alice".into(),
            permission: Permission::Al
        })
    );
    // dave holds AL and DQL on s.readable, but DQL on the schema is denied him.
    assert!(as_user(&mut c, "dave", "GRANT DQL ON TABLE s.readable TO alice").is_ok());
    assert!(as_user(&mut c, "dave", "GRANT DQL ON TABLE s.secret TO dave").is_err());
    assert!(as_user(&mut c, "dave", "GRANT DQL ON SCHEMA s TO dave").is_err());
    assert!(as_user(&mut c, "dave", "SELECT * FROM s.secret").is_err());
    // Denying and revoking need AL alone.
    assert!(as_user(&mut c, "dave", "DENY DQL ON TABLE s.readable TO alice").is_ok());
    assert!(as_user(&mut c, "alice", "SELECT * FROM s.readable").is_err());
}

#[test]
fn revoking_takes_effect_on_the_next_statement() {
    let mut c = set_up();
    assert!(as_user(&mut c, "alice", "SELECT * FROM s.readable").is_ok());
    assert_eq!(
        as_user(&mut c, "crate", "REVOKE DQL ON TABLE s.readable FROM alice")
            .unwrap()
            .rowcount,
        1
    );
    assert!(as_user(&mut c, "alice", "SELECT * FROM s.readable").is_err());
    assert_eq!(
        as_user(&mut c, "crate", "REVOKE DQL ON TABLE s.readable FROM alice")
            .unwrap()
            .rowcount,
        0
    );
}

#[test]
fn the_existence_flaw_tells_tables_apart() {
    let mut c = set_up();
    c.privileges.existence_leaked = true;
    let secret = as_user(&mut c, "alice", "SELECT * FROM s.secret");
    let ghost = as_user(&mut c, "alice", "SELECT * FROM s.ghost");
    assert_ne!(secret, ghost);
    assert_eq!(secret.unwrap_err().status(), (401, 4011));
}

#[test]
fn writes_land_where_they_should() {
    let mut c = set_up();
    as_user(&mut c, "crate", "UPDATE s.readable SET note = 'changed'").unwrap();
    assert_eq!(
        as_user(&mut c, "crate", "SELECT note FROM s.readable")
            .unwrap()
            .rows,
        vec![vec![json!("changed")]]
    );
    assert_eq!(
        as_user(&mut c, "crate", "DELETE FROM s.readable WHERE id = 1")
            .unwrap()
            .rowcount,
        0
    );
    assert_eq!(
        as_user(&mut c, "crate", "DELETE FROM s.readable")
            .unwrap()
            .rowcount,
        1
    );
    assert_eq!(
        as_user(&mut c, "crate", "DROP TABLE IF EXISTS s.gone")
            .unwrap()
            .rowcount,
        0
    );
    assert_eq!(
        as_user(&mut c, "crate", "INSERT INTO s.readable (nope) VALUES (1)"),
        Err(SqlError::ColumnUnknown("nope".into()))
    );
    assert_eq!(
        SqlError::RelationUnknown("s.t".into()).message(),
        "RelationUnknown[Relation 's.t' unknown]"
    );
}

proptest! {
    /// Whatever parses runs or fails with an error, as the superuser and as a user, never panics.
    #[test]
    fn no_statement_panics_the_catalog(
        verb in prop::sample::select(vec!["SELECT * FROM", "SELECT note, id FROM", "INSERT INTO", "DELETE FROM",
            "UPDATE", "DROP TABLE", "CREATE TABLE", "REFRESH TABLE", "GRANT DQL ON TABLE", "REVOKE ALL ON TABLE"]),
        table in prop::sample::select(vec!["s.readable", "s.secret", "s.ghost", "doc.t", "readable"]),
        tail in prop::sample::select(vec!["", " (id INTEGER)", " VALUES (1, 'x')", " (id) VALUES (1)",
            " SET note = 'x'", " WHERE id = 1", " TO alice", " FROM alice", " JOIN s.secret ON true"]),
    ) {
        let text = format!("{verb} {table}{tail}");
        if let Ok(statement) = parse(&text, &[]) {
            let mut c = set_up();
            for user in ["crate", "alice", "carol", "dave"] {
                let session = Session { user, superuser: user == "crate", user_exists: &exists };
                let _ = c.execute(&session, statement.clone());
            }
        }
    }
}
