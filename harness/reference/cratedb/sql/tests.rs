use super::*;
use proptest::prelude::*;
use serde_json::json;

fn name(schema: &str, table: &str) -> Name {
    Name {
        schema: Some(schema.into()),
        table: table.into(),
    }
}

#[test]
fn selects_name_what_they_read() {
    assert_eq!(
        parse("SELECT CURRENT_USER", &[]).unwrap(),
        Statement::Select {
            items: vec![Item::CurrentUser],
            from: None,
            reads: vec![]
        }
    );
    let Statement::Select { items, from, reads } = parse(
        "select id, \"Name\" from s.readable r join s.secret x on r.id = x.id where id in (select id from other)",
        &[],
    )
    .unwrap() else {
        panic!("not a select")
    };
    assert_eq!(
        items,
        vec![Item::Column("id".into()), Item::Column("Name".into())]
    );
    assert_eq!(from, Some(name("s", "readable")));
    assert_eq!(
        reads,
        vec![
            name("s", "readable"),
            name("s", "secret"),
            Name {
                schema: None,
                table: "other".into()
            }
        ]
    );
    assert_eq!(
        Name {
            schema: None,
            table: "t".into()
        }
        .fqn(),
        "doc.t"
    );
}

#[test]
fn writes_and_definitions() {
    assert_eq!(
        parse(
            "INSERT INTO s.t (id, note) VALUES (1, 'it''s'), (?, $1);",
            &[json!("x")]
        )
        .unwrap(),
        Statement::Insert {
            table: name("s", "t"),
            columns: vec!["id".into(), "note".into()],
            rows: vec![vec![json!(1), json!("it's")], vec![json!("x"), json!("x")]],
        }
    );
    assert_eq!(
        parse("CREATE TABLE IF NOT EXISTS s.t (id INTEGER PRIMARY KEY, note TEXT, PRIMARY KEY (id)) CLUSTERED INTO 1 SHARDS", &[]).unwrap(),
        Statement::CreateTable { table: name("s", "t"), columns: vec!["id".into(), "note".into()], if_not_exists: true }
    );
    assert_eq!(
        parse("DROP TABLE IF EXISTS s.t", &[]).unwrap(),
        Statement::DropTable {
            table: name("s", "t"),
            if_exists: true
        }
    );
    assert_eq!(
        parse("UPDATE s.t SET note = 'n' WHERE id = 1", &[]).unwrap(),
        Statement::Update {
            table: name("s", "t"),
            set: vec![("note".into(), json!("n"))],
            filtered: true
        }
    );
    assert_eq!(
        parse("REFRESH TABLE s.t, u", &[]).unwrap(),
        Statement::Refresh {
            tables: vec![
                name("s", "t"),
                Name {
                    schema: None,
                    table: "u".into()
                }
            ]
        }
    );
    assert_eq!(
        parse("DELETE FROM s.t", &[]).unwrap(),
        Statement::Delete {
            table: name("s", "t"),
            filtered: false
        }
    );
}

#[test]
fn privilege_statements() {
    assert_eq!(
        parse("GRANT DQL, dml ON TABLE s.a, b TO alice, \"Bob\"", &[]).unwrap(),
        Statement::Privileges {
            change: Change::Grant,
            permissions: vec![Permission::Dql, Permission::Dml],
            on: On::Tables(vec![
                name("s", "a"),
                Name {
                    schema: None,
                    table: "b".into()
                }
            ]),
            users: vec!["alice".into(), "Bob".into()],
        }
    );
    assert_eq!(
        parse("DENY ALL PRIVILEGES ON SCHEMA s TO carol", &[]).unwrap(),
        Statement::Privileges {
            change: Change::Deny,
            permissions: Permission::ALL.to_vec(),
            on: On::Schemas(vec!["s".into()]),
            users: vec!["carol".into()],
        }
    );
    assert_eq!(
        parse("REVOKE AL FROM dave", &[]).unwrap(),
        Statement::Privileges {
            change: Change::Revoke,
            permissions: vec![Permission::Al],
            on: On::Cluster,
            users: vec!["dave".into()]
        }
    );
}

#[test]
fn what_is_not_supported_is_a_parse_error() {
    for text in [
        "",
        "SELECT count(*) FROM t",
        "GRANT reader TO alice",
        "REVOKE DQL TO alice",
        "SELECT 1; DROP TABLE t",
        "INSERT INTO t VALUES (?)",
        "SELECT 'open",
        "CREATE TABLE t ()",
        "SHOW TABLES",
    ] {
        assert!(parse(text, &[]).is_err(), "{text:?} parsed");
    }
}

#[test]
fn a_parse_error_never_quotes_a_string_literal() {
    let error = parse("DROP TABLE t 'acpw-not-to-be-echoed'", &[]).unwrap_err();
    assert!(!error.0.contains("acpw"), "{error:?}");
    assert!(error.0.contains("unexpected string"), "{error:?}");
}

proptest! {
    #[test]
    fn no_text_panics_the_parser(text in "\\PC{0,120}") {
        let _ = parse(&text, &[json!(1)]);
    }

    #[test]
    fn statements_with_noise_around_them_parse_or_fail_cleanly(
        table in "[a-z][a-z0-9_]{0,10}",
        tail in "[ a-z0-9=,()'*]{0,40}",
    ) {
        let text = format!("SELECT * FROM s.{table} {tail}");
        if let Ok(Statement::Select { from, .. }) = parse(&text, &[]) {
            prop_assert_eq!(from, Some(name("s", &table)));
        }
    }
}
