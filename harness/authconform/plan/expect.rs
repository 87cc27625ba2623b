//! A case's `expect:` as checks the runner applies to an answer.

use std::cmp::Ordering;

use regex::Regex;

use super::credentials::render_json;
use super::{Ctx, Expectation, HeaderCheck, PlannedFuzz, StatusCheck};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::model::{Case, CountSpec, HeaderSpec, StatusSpec};
use crate::scenario::status_word::{StatusWord, parse_status_word};
use crate::scenario::validate::parse_count;

pub(super) fn expectation(ctx: &Ctx, case: &Case) -> Result<Expectation, Diagnostic> {
    let e = &case.expect;
    let status = e.status.as_ref().map(|s| match &s.value {
        StatusSpec::Code(c) => StatusCheck::Code(*c),
        StatusSpec::AnyOf(list) => StatusCheck::AnyOf(list.clone()),
        StatusSpec::Class(text) => match parse_status_word(text) {
            Some(StatusWord::Class(class)) => StatusCheck::Class(class),
            Some(StatusWord::NotClass(class)) => StatusCheck::NotClass(class),
            Some(StatusWord::NoneOf(codes)) => StatusCheck::NoneOf(codes),
            // `validate` refuses any other text before a plan is made.
            None => StatusCheck::Class(0),
        },
    });
    let mut headers = Vec::new();
    for (name, spec) in &e.headers {
        let check = match &spec.value {
            HeaderSpec::Word(w) if w == "absent" => HeaderCheck::Absent,
            HeaderSpec::Word(_) => HeaderCheck::Present,
            HeaderSpec::Rule(rule) => match (&rule.equals, &rule.contains, &rule.matches) {
                (Some(v), _, _) => HeaderCheck::Equals(ctx.render_plain(v)?),
                (_, Some(v), _) => HeaderCheck::Contains(ctx.render_plain(v)?),
                (_, _, Some(v)) => HeaderCheck::Matches(
                    Regex::new(v)
                        .map_err(|err| Diagnostic::new(&ctx.loaded.path, err.to_string()))?,
                ),
                _ => HeaderCheck::Present,
            },
        };
        headers.push((name.to_ascii_lowercase(), check));
    }
    let fetches = e
        .fetches
        .iter()
        .filter_map(|(name, spec)| {
            let (ordering, n) = match &spec.value {
                CountSpec::Exactly(n) => (Ordering::Equal, *n),
                CountSpec::Bound(text) => parse_count(text)?,
            };
            Some((name.clone(), ordering, n))
        })
        .collect();
    let mut out = Expectation {
        status,
        headers,
        tls_error: e.tls_error,
        fetches,
        challenge: e.challenge.clone(),
        fuzz: e.fuzz.as_ref().map(|f| PlannedFuzz {
            input: f.input,
            cases: f
                .cases
                .as_ref()
                .map_or(crate::live_fuzz::DEFAULT_CASES, |c| c.value),
            within: f
                .within
                .as_ref()
                .and_then(|w| crate::duration::parse_duration(&w.value).ok())
                .unwrap_or(super::DEFAULT_FUZZ_WITHIN),
            seed: f.seed,
            endpoint: case
                .request
                .endpoint
                .as_ref()
                .map_or_else(|| "?".to_owned(), |e| e.value.clone()),
            reference: case.reference_text(),
        }),
        ..Expectation::default()
    };
    if let Some(body) = &e.body {
        out.body_contains = body
            .contains
            .iter()
            .map(|t| ctx.render(t))
            .collect::<Result<_, _>>()?;
        out.body_not_contains = body
            .not_contains
            .iter()
            .map(|t| ctx.render(t))
            .collect::<Result<_, _>>()?;
        out.body_equals = body.equals.as_ref().map(|t| ctx.render(t)).transpose()?;
        out.json = body
            .json
            .iter()
            .map(|(k, v)| Ok((k.clone(), render_json(ctx, v)?)))
            .collect::<Result<_, Diagnostic>>()?;
    }
    Ok(out)
}
