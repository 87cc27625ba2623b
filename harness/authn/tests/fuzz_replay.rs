//! Replays the committed fuzz seeds and regression inputs through the fuzz entry points on stable.

use std::path::PathBuf;

use authconform_authn::fuzz_targets::TARGETS;

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for dir in ["seeds", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) {
            files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
    }
    files.sort();
    files
}

#[test]
fn every_target_replays_its_seeds_and_regressions() {
    for (target, entry) in TARGETS {
        let files = inputs(target);
        assert!(!files.is_empty(), "fuzz/seeds/{target} is empty");
        for path in files {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| entry(&data));
            assert!(outcome.is_ok(), "{target} panicked on {}", path.display());
        }
    }
}

#[test]
fn every_fuzz_target_has_an_entry_point() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        // The format crate's two targets are replayed by the root package's tests/fuzz_replay.rs.
        .filter(|n| n != "scenario_loader" && n != "openapi_document")
        .collect();
    names.sort();
    let mut known: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    known.sort();
    assert_eq!(names, known);
}
