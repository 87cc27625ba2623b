//! Replays the fuzz seeds and regression inputs of the targets over the format crate on stable:
//! the scenario loader and the OpenAPI reader.

fn replay(target: &str, entry: fn(&[u8]), at_least: usize) {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry_path in entries {
            let path = entry_path.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| entry(&data));
            assert!(outcome.is_ok(), "{target} panicked on {}", path.display());
            count += 1;
        }
    }
    assert!(count >= at_least, "only {count} {target} inputs");
}

#[test]
fn scenario_loader_replays_seeds_and_regressions() {
    replay(
        "scenario_loader",
        authconform::scenario::load::fuzz_entry,
        10,
    );
}

#[test]
fn openapi_reader_replays_seeds_and_regressions() {
    replay("openapi_document", authconform::openapi::fuzz_entry, 10);
}
