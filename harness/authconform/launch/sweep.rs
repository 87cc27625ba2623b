//! What a target says about sweeps: where its OpenAPI document is, which operations are public,
//! and the settings a sweep of it keeps to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Target;
use crate::dialect::Dialect;
use crate::target_file::{Destructive, TargetFile};

/// Where a target's OpenAPI document is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentSource {
    /// A path on the server under test, fetched without credentials once it is ready.
    Served(String),
    /// A file.
    File(PathBuf),
}

impl std::fmt::Display for DocumentSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentSource::Served(path) => write!(f, "{path} on the target"),
            DocumentSource::File(file) => write!(f, "{}", file.display()),
        }
    }
}

/// What a target file says about sweeps.
#[derive(Debug, Clone, Default)]
pub struct SweepSettings {
    /// `None`: the dialect's document, if its profile names one.
    pub document: Option<DocumentSource>,
    pub destructive_allowed: bool,
    /// Operations treated as destructive besides DELETE and `reset`.
    pub destructive_names: Vec<String>,
    pub path_values: BTreeMap<String, String>,
}

impl SweepSettings {
    /// The embedded reference server is a throw-away test server: destructive operations are sent.
    pub fn embedded() -> SweepSettings {
        SweepSettings {
            destructive_allowed: true,
            ..SweepSettings::default()
        }
    }

    pub fn from_file(file: &TargetFile, dir: &Path) -> SweepSettings {
        let document = file.openapi.as_ref().map(|o| {
            if o.value.starts_with('/') {
                DocumentSource::Served(o.value.clone())
            } else {
                DocumentSource::File(dir.join(&o.value))
            }
        });
        SweepSettings {
            document,
            destructive_allowed: file
                .destructive
                .as_ref()
                .is_some_and(|d| d.value == Destructive::Allowed),
            destructive_names: file
                .destructive_operations
                .iter()
                .map(|t| t.value.clone())
                .collect(),
            path_values: file.path_values.clone(),
        }
    }
}

/// How a sweep treats a target's operations: its settings and the paths it lists as public.
pub struct SweepPolicy<'a> {
    pub settings: &'a SweepSettings,
    /// Paths the target (or its dialect) lists as public.
    pub public_paths: Vec<String>,
}

impl Target {
    /// The OpenAPI document sweeps of `suite`'s dialect read: the target file's `openapi:`, else
    /// the one its dialect's profile (or the suite's) names.
    /// Every embedded reference server serves its own at `/openapi.json`.
    pub fn openapi_document(&self, suite: Dialect) -> Option<DocumentSource> {
        if matches!(self.kind, super::Kind::Embedded) {
            let path = crate::reference::openapi::PATH;
            return Some(DocumentSource::Served(path.to_owned()));
        }
        self.sweep.document.clone().or_else(|| {
            self.dialect
                .and_then(|d| d.profile().openapi)
                .or(suite.profile().openapi)
                .map(|p| DocumentSource::Served(p.to_owned()))
        })
    }

    /// How a sweep of this target treats operations: its public paths, its destructive ones.
    pub fn sweep_policy(&self, suite: Dialect) -> SweepPolicy<'_> {
        SweepPolicy {
            settings: &self.sweep,
            public_paths: self
                .endpoints_with_access(suite, true)
                .iter()
                .map(|e| e.path.to_owned())
                .collect(),
        }
    }

    /// The target file's values for the document's path placeholders.
    pub fn sweep_path_values(&self) -> std::collections::BTreeMap<String, String> {
        self.sweep.path_values.clone()
    }
}
