use super::*;

fn rbac() -> Rbac {
    Rbac::new(vec!["jane".into()], vec!["olga".into()]).unwrap()
}

fn role(name: &str, perms: Value) -> Value {
    json!({"name": name, "permissions": perms})
}

#[test]
fn wildcards_match_as_globs() {
    assert!(wildcard_match("*", "Movies"));
    assert!(wildcard_match("Mov*", "Movies"));
    assert!(wildcard_match("*ies", "Movies"));
    assert!(!wildcard_match("Mov*", "Books"));
    assert!(!wildcard_match("Movies", "movies"), "case-sensitive");
    assert!(wildcard_match("A*c*", "Abc"));
}

#[test]
fn a_custom_role_reads_its_collection_only_and_root_and_viewer_are_built_in() {
    let r = rbac();
    assert!(
        Rbac::new(vec![], vec![]).is_err(),
        "a root user is required"
    );
    let perms = json!([{"action": "read_data", "data": {"collection": "Alpha*"}}]);
    r.create_role("jane", &role("reader", perms)).unwrap();
    r.assign("jane", "ian", &json!({"roles": ["reader"]}), true)
        .unwrap();
    assert!(r.allows("ian", "read_data", "Alpha"));
    assert!(r.allows("ian", "read_data", "Alphabet"));
    assert!(!r.allows("ian", "read_data", "Beta"));
    assert!(!r.allows("ian", "create_data", "Alpha"));
    assert!(r.allows("olga", "read_data", "Beta") && !r.allows("olga", "create_data", "Beta"));
    assert!(r.allows("jane", "delete_collections", "Beta"));
    assert!(matches!(
        r.create_role("jane", &role("root", json!([]))),
        Err(Refused::BuiltIn(_))
    ));
}

#[test]
fn nobody_grants_what_they_do_not_hold() {
    let r = rbac();
    let manage = json!([
        {"action": "assign_and_revoke_users", "users": {"users": "*"}},
        {"action": "create_roles", "roles": {"role": "*"}},
        {"action": "read_data", "data": {"collection": "Alpha"}}
    ]);
    r.create_role("jane", &role("manager", manage)).unwrap();
    r.assign("jane", "mia", &json!({"roles": ["manager"]}), true)
        .unwrap();
    // ian holds nothing: he may neither make roles nor give himself one.
    assert!(matches!(
        r.assign("ian", "ian", &json!({"roles": ["root"]}), true),
        Err(Refused::Forbidden(_))
    ));
    let beta = json!([{"action": "read_data", "data": {"collection": "Beta"}}]);
    assert!(matches!(
        r.create_role("ian", &role("x", beta.clone())),
        Err(Refused::Forbidden(_))
    ));
    // mia may assign and make roles, but only with what she holds.
    assert!(matches!(
        r.assign("mia", "mia", &json!({"roles": ["root"]}), true),
        Err(Refused::Forbidden(_))
    ));
    assert!(matches!(
        r.create_role("mia", &role("beta-reader", beta)),
        Err(Refused::Forbidden(_))
    ));
    let alpha = json!([{"action": "read_data", "data": {"collection": "Alpha"}}]);
    r.create_role("mia", &role("alpha-reader", alpha)).unwrap();
    r.assign("mia", "ian", &json!({"roles": ["alpha-reader"]}), true)
        .unwrap();
    assert!(r.allows("ian", "read_data", "Alpha"));
}

#[test]
fn revoking_takes_effect_at_once_unless_the_flaw_caches() {
    let perms = json!([{"action": "read_data", "data": {"collection": "Alpha"}}]);
    for (flawed, still) in [(false, false), (true, true)] {
        let mut r = rbac();
        if flawed {
            r.flaws = Flaws::new(&[Flaw::RevocationCached]);
        }
        r.create_role("jane", &role("reader", perms.clone()))
            .unwrap();
        r.assign("jane", "ian", &json!({"roles": ["reader"]}), true)
            .unwrap();
        assert!(r.allows("ian", "read_data", "Alpha"));
        r.assign("jane", "ian", &json!({"roles": ["reader"]}), false)
            .unwrap();
        assert_eq!(r.allows("ian", "read_data", "Alpha"), still);
    }
}

#[test]
fn permissions_round_trip_and_unknown_actions_are_refused() {
    let p = json!({"action": "read_collections", "collections": {"collection": "Alpha"}});
    assert_eq!(Permission::from_json(&p).unwrap().to_json(), p);
    assert!(Permission::from_json(&json!({"action": "read_everything"})).is_err());
    let cluster = Permission::from_json(&json!({"action": "read_cluster"})).unwrap();
    assert_eq!(cluster.scope, "*");
}
