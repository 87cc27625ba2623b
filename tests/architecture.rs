//! The layout rules of `ARCHITECTURE.md`, checked on the sources so that they stay true: the crates
//! depend on each other only in the documented directions, no module imports one that imports it
//! back, and no source file (library, tests, benchmarks, fuzz targets) grows past 500 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `[dependencies]` of a manifest that are crates of this workspace.
fn workspace_dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut in_dependencies = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with('[') {
            in_dependencies = line.trim() == "[dependencies]";
            continue;
        }
        if in_dependencies
            && let Some((name, _)) = line.split_once('=')
            && name.trim().starts_with("authconform")
        {
            out.insert(name.trim().to_owned());
        }
    }
    out
}

#[test]
fn crates_depend_only_in_the_documented_directions() {
    let harness = root().join("harness");
    let deps = |krate: &str| workspace_dependencies(&harness.join(krate).join("Cargo.toml"));
    assert!(deps("authn").is_empty(), "authn depends on nothing of ours");
    assert_eq!(
        deps("format"),
        BTreeSet::from(["authconform-authn".to_owned()])
    );
    assert_eq!(
        deps("reference"),
        BTreeSet::from([
            "authconform-authn".to_owned(),
            "authconform-format".to_owned()
        ]),
        "the reference server never imports the harness"
    );
    let fuzz = workspace_dependencies(&root().join("fuzz/Cargo.toml"));
    assert!(
        !fuzz.contains("authconform"),
        "the fuzz targets need no HTTP stack: {fuzz:?}"
    );
}

#[test]
fn the_format_crate_has_no_network_or_runtime() {
    let manifest = std::fs::read_to_string(root().join("harness/format/Cargo.toml")).unwrap();
    for forbidden in ["tokio", "reqwest", "hyper", "axum", "rustls"] {
        assert!(
            !manifest
                .lines()
                .any(|l| l.trim_start().starts_with(forbidden)),
            "harness/format depends on {forbidden}"
        );
    }
}

#[test]
fn no_source_file_is_over_the_limit() {
    let mut files = Vec::new();
    for dir in ["harness", "tests", "benches", "fuzz/fuzz_targets"] {
        rust_files(&root().join(dir), &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by job: {}", long.join(", "));
}

/// The module a file defines, as a path inside its crate (`exec::runner`).
fn module_of(crate_dir: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(crate_dir).unwrap();
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// Every `crate::a::b` and `super::x` a file names outside its tests, as module paths.
fn references(module: &[String], text: &str) -> BTreeSet<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = BTreeSet::new();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let path: Vec<String> = rest
            .split("::")
            .take(2)
            .map(|p| p.chars().take_while(|c| word(*c)).collect::<String>())
            .take_while(|p| !p.is_empty())
            .collect();
        out.insert(path);
    }
    // `super` of `exec::runner` (exec/runner.rs) and of `exec` (exec/mod.rs) alike: drop the last.
    let parent = &module[..module.len().saturating_sub(1)];
    for (at, _) in code.match_indices("super::") {
        if at > 0 && code[..at].ends_with("::") {
            continue;
        }
        let name: String = code[at + "super::".len()..]
            .chars()
            .take_while(|c| word(*c))
            .collect();
        if !name.is_empty() {
            let mut path = parent.to_vec();
            path.push(name);
            out.insert(path);
        }
    }
    out
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut problems = Vec::new();
    for krate in ["authn", "format", "reference", "authconform"] {
        let dir = root().join("harness").join(krate);
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        let modules: BTreeMap<Vec<String>, String> = files
            .iter()
            .map(|f| (module_of(&dir, f), std::fs::read_to_string(f).unwrap()))
            .collect();
        // The longest module path a reference names; a module and its own descendants or
        // ancestors are one unit (a parent re-exports its children's items).
        let resolve = |path: &[String]| -> Option<Vec<String>> {
            (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains_key(p))
        };
        let related = |a: &[String], b: &[String]| a.starts_with(b) || b.starts_with(a);
        let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (module, text) in &modules {
            for reference in references(module, text) {
                if let Some(target) = resolve(&reference)
                    && !related(module, &target)
                {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
        // The same at the top level: `exec`, `verdict`, `report`… never import each other back.
        let mut top: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (from, targets) in &edges {
            for to in targets {
                let (a, b) = (from[..1.min(from.len())].to_vec(), to[..1].to_vec());
                if a != b && a.first().is_some_and(|m| m != "cli") {
                    top.entry(a).or_default().insert(b);
                }
            }
        }
        for edges in [&edges, &top] {
            problems.extend(circles(krate, edges));
        }
    }
    assert!(
        problems.is_empty(),
        "modules in an import circle: {}",
        problems.join(", ")
    );
}

/// The modules of `edges` from which an import path leads back to themselves.
fn circles(krate: &str, edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let mut problems = Vec::new();
    {
        for start in edges.keys() {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<&Vec<String>> = edges[start].iter().collect();
            while let Some(next) = todo.pop() {
                if next == start {
                    problems.push(format!("{krate}::{}", start.join("::")));
                    break;
                }
                if seen.insert(next.clone())
                    && let Some(more) = edges.get(next)
                {
                    todo.extend(more.iter());
                }
            }
        }
    }
    problems
}
