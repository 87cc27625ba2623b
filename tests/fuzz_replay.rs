//! Replays the scenario loader's fuzz seeds and regression inputs on stable.

#[test]
fn scenario_loader_replays_seeds_and_regressions() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join("scenario_loader")) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome =
                std::panic::catch_unwind(|| authconform::scenario::load::fuzz_entry(&data));
            assert!(
                outcome.is_ok(),
                "the scenario loader panicked on {}",
                path.display()
            );
            count += 1;
        }
    }
    assert!(count >= 10, "only {count} scenario loader inputs");
}
