//! One result model ([`model::Report`]) and one module per output format over it.

pub mod baseline;
pub mod compare;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod markup;
pub mod matrix;
pub mod model;

pub mod sarif;
pub mod terminal;

pub use crate::secrets::Redactor;
pub use model::{CaseResult, CaseStatus, Cell, Report, Summary};

/// The machine-readable formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Junit,
    Markdown,
    Html,
    Sarif,
}

impl Format {
    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Json => json::render(report),
            Format::Junit => junit::render(report),
            Format::Markdown => markdown::render(report),
            Format::Html => html::render(report),
            Format::Sarif => sarif::render(report),
        }
    }

    /// The format a file name implies: `.json`, `.xml`, `.md`.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Junit),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "sarif" => Some(Format::Sarif),
            _ => None,
        }
    }
}

/// Why a report read back (`compare`, `--baseline`, `baseline`) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportFileError {
    #[error("not an authconform JSON report: {0}")]
    NotAReport(String),
    #[error("{0}")]
    NotABaseline(String),
}
