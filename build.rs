//! Compiles the built-in suites (`scenarios/`) and the requirement catalogue (`requirements/`) into
//! the binary, so that an installed authconform runs them from any directory. The repository's
//! files stay the editable source; `authconform run` with no paths reads these copies.

use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

fn table(root: &Path, dir: &str) -> String {
    let mut files = Vec::new();
    yaml_files(&root.join(dir), &mut files);
    let mut out = String::from("&[\n");
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        // Relative to the manifest at compile time, so that a build script output reused from
        // another checkout of the same tree (a shared target directory) still reads this one.
        let relative = relative.display().to_string();
        out.push_str(&format!(
            "    ({relative:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/\", {relative:?}))),\n"
        ));
    }
    out.push(']');
    out
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let code = format!(
        "/// The built-in suites: (path in the repository, text).\npub const SUITES: &[(&str, &str)] = {};\n\n/// The built-in requirement catalogue: (path in the repository, text).\npub const REQUIREMENTS: &[(&str, &str)] = {};\n",
        table(&root, "scenarios"),
        table(&root, "requirements")
    );
    std::fs::write(out.join("builtin.rs"), code).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=scenarios");
    println!("cargo:rerun-if-changed=requirements");
    println!("cargo:rerun-if-changed=build.rs");
}
