//! The blocks whose cases probe endpoints: the fuzz block (one case per input kind), the sweep
//! block (one row per principal, sent to every operation of the target's OpenAPI document at run
//! time) and the path-confusion block (the authenticated request and one case per variant).

use std::collections::BTreeMap;

use super::*;
use crate::confusion::PathVariant;
use crate::level::Level;
use crate::scenario::model::{
    Case, ConfusionBlock, Expect, FuzzBlock, FuzzSpec, Request, Spanned, StatusSpec, SweepBlock,
    SweepRole,
};

/// One case per input kind, named `fuzz:<input>`.
pub(super) fn fuzz_cases(block: &FuzzBlock) -> Vec<Case> {
    block
        .inputs
        .iter()
        .map(|input| Case {
            name: renamed(&block.endpoint, format!("{FUZZ_PREFIX}{}", input.name())),
            level: block.level.clone(),
            reference: Some(block.reference.clone()),
            description: None,
            modes: None,
            tags: vec![FUZZ_TAG.to_owned()],
            issuer: None,
            wait: None,
            capture: BTreeMap::new(),
            request: Request {
                endpoint: Some(block.endpoint.clone()),
                method: None,
                path: None,
                headers: BTreeMap::new(),
                body: None,
                json: None,
                auth: None,
                tls: None,
                variant: None,
                raw: false,
            },
            expect: Expect {
                fuzz: Some(FuzzSpec {
                    input: *input,
                    cases: block.cases.clone(),
                    within: block.within.clone(),
                    seed: block.seed,
                }),
                ..Expect::default()
            },
            cell: None,
            sweep: None,
        })
        .collect()
}

/// One case per principal, named `sweep:<principal>`: sent at run time to every operation of the
/// target's OpenAPI document. The status written here is what a protected operation must answer.
pub(super) fn sweep_cases(block: &SweepBlock) -> Vec<Case> {
    block
        .principals
        .iter()
        .map(|p| {
            let status = if p.accepted {
                "not 401, 403"
            } else {
                "not 2xx"
            };
            Case {
                name: renamed(&p.name, format!("{SWEEP_PREFIX}{}", p.name.value)),
                level: block.level.clone(),
                reference: Some(block.reference.clone()),
                description: None,
                modes: p.modes.clone(),
                tags: vec![SWEEP_TAG.to_owned()],
                issuer: None,
                wait: None,
                capture: BTreeMap::new(),
                request: Request {
                    endpoint: None,
                    method: None,
                    path: None,
                    headers: BTreeMap::new(),
                    body: None,
                    json: None,
                    auth: p.auth.clone(),
                    tls: None,
                    variant: None,
                    raw: false,
                },
                expect: Expect {
                    status: Some(renamed(&p.name, StatusSpec::Class(status.to_owned()))),
                    ..Expect::default()
                },
                cell: None,
                sweep: Some(SweepRole {
                    principal: p.name.value.clone(),
                    accepted: p.accepted,
                }),
            }
        })
        .collect()
}

/// `confusion:authenticated` (the endpoint with valid credentials: the content to protect, a
/// `should` 2xx) and one `confusion:<variant>` case per variant, without credentials, that must
/// not answer 2xx with that content.
pub(super) fn confusion_cases(block: &ConfusionBlock) -> Vec<Case> {
    let endpoint = block
        .endpoint
        .clone()
        .unwrap_or_else(|| renamed(&block.reference, "protected".to_owned()));
    let case = |name: String, level: Spanned<Level>, auth, variant, expect| Case {
        name: renamed(&block.reference, name),
        level,
        reference: Some(block.reference.clone()),
        description: None,
        modes: None,
        tags: vec![CONFUSION_TAG.to_owned()],
        issuer: None,
        wait: None,
        capture: BTreeMap::new(),
        request: Request {
            endpoint: Some(endpoint.clone()),
            method: None,
            path: None,
            headers: BTreeMap::new(),
            body: None,
            json: None,
            auth,
            tls: None,
            variant,
            raw: false,
        },
        expect,
        cell: None,
        sweep: None,
    };
    let authenticated = format!("{CONFUSION_PREFIX}authenticated");
    let mut out = vec![case(
        authenticated.clone(),
        renamed(&block.level, Level::Should),
        Some(block.auth.clone()),
        None,
        Expect {
            status: Some(renamed(&block.reference, StatusSpec::Class("2xx".into()))),
            ..Expect::default()
        },
    )];
    let variants = block.variants.clone().unwrap_or(PathVariant::ALL.to_vec());
    for variant in variants {
        let expect = if variant.compares_content() {
            Expect {
                not_content_of: Some(renamed(&block.reference, authenticated.clone())),
                ..Expect::default()
            }
        } else {
            Expect {
                status: Some(renamed(
                    &block.reference,
                    StatusSpec::Class("not 2xx".into()),
                )),
                ..Expect::default()
            }
        };
        out.push(case(
            format!("{CONFUSION_PREFIX}{}", variant.name()),
            block.level.clone(),
            None,
            Some(renamed(&block.reference, variant)),
            expect,
        ));
    }
    out
}
