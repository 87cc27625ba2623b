//! Probes that measure a target rather than judge one case: how much clock leeway it allows.

pub mod leeway;
pub mod measure;
