//! Drives a plan against a target: one server instance per (dialect, mode, TLS set-up) at a time,
//! its cases concurrently up to `jobs`, each within its timeout, the whole within the run's deadline.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::client::{build_kept_alive_client, build_tls_client};
use super::prepare::{Prepared, RecordingEnv};
use super::progress::Progress;
use super::sending::Sending;
use crate::issuer::Issuer;
use crate::issuer::state::IssuerState;
use crate::launch::{Target, Until};
use crate::level::Gate;
use crate::plan::{ClientTls, PlannedCase};
use crate::provision::Credentials;
use crate::provision::pki::TlsLab;
use crate::report::model::TargetLog;
use crate::report::{CaseStatus, Report};
use crate::scenario::load::LoadedSuite;
use crate::scenario::model::Scheme;
use crate::verdict::judge::assemble;
use crate::verdict::{Answer, Outcome};

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub jobs: usize,
    pub case_timeout: Duration,
    pub deadline: Duration,
    pub gate: Gate,
    /// Draw a progress line on stderr.
    pub progress: bool,
}

/// Runs every group and builds the report, in file order, with secrets masked.
pub async fn run(
    suites: &[LoadedSuite],
    target: &Target,
    prepared: Prepared,
    options: &RunOptions,
    env: &RecordingEnv,
) -> Report {
    let Prepared {
        groups,
        skips,
        redactor,
        lab,
        issuer,
    } = prepared;
    let issuer = issuer.map(Arc::new);
    let sent = redactor.clone();
    let mut redactor = redactor;
    let captured_secrets = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let started = Instant::now();
    let deadline = started + options.deadline;
    let signals = super::signals::Signals::watch();
    let interrupt_rx = signals.stop.clone();
    let until = Until {
        deadline,
        stop: Some(interrupt_rx.clone()),
    };
    let mut logs: Vec<TargetLog> = Vec::new();
    let total: usize = groups.iter().map(|g| g.cases.len()).sum();
    let progress = Progress {
        enabled: options.progress,
        total,
        done: 0,
    };
    let mut progress = progress;
    let mut results: Vec<Vec<(PlannedCase, Outcome, u64)>> = Vec::new();
    for mut group in groups {
        let label = format!("{} {}", group.dialect, group.mode.name);
        let mut cases = std::mem::take(&mut group.cases);
        let outcomes = if *interrupt_rx.borrow() {
            vec![(Outcome::Errored("interrupted before it ran".into()), 0); cases.len()]
        } else {
            let tls = group.tls.zip(lab.as_ref());
            if let Some(issuer) = &issuer {
                let (block, delay) = group.issuer.clone().unwrap_or_default();
                issuer.reset(issuer_state(&group.credentials), &block, delay);
            }
            match target
                .start(
                    group.dialect,
                    group.mode,
                    &group.credentials,
                    env,
                    tls,
                    &until,
                )
                .await
            {
                Err(reason) => vec![
                    (
                        Outcome::Errored(format!("target did not start: {reason}")),
                        0
                    );
                    cases.len()
                ],
                Ok(mut instance) => {
                    let base_url = instance.base_url.clone();
                    let before = cases.len();
                    cases = super::sweep::expand_rows(
                        cases,
                        target,
                        group.dialect,
                        &base_url,
                        options.case_timeout,
                        lab.as_ref(),
                    )
                    .await;
                    progress.total = (progress.total + cases.len()).saturating_sub(before);
                    let ctx = GroupCtx {
                        base_url: &base_url,
                        lab: lab.as_ref(),
                        issuer: issuer.clone(),
                        sequential: group.sequential,
                        secrets: captured_secrets.clone(),
                        options,
                        deadline,
                        interrupt: interrupt_rx.clone(),
                    };
                    let outcomes = run_group(&cases, ctx, &mut progress, &label).await;
                    let exit = instance.exited();
                    if let Some((stdout, stderr)) = instance.log_tails(20) {
                        logs.push(TargetLog {
                            mode: group.mode.name.to_owned(),
                            stdout,
                            stderr,
                        });
                    }
                    instance.stop().await;
                    match exit {
                        Some(exit) => outcomes
                            .into_iter()
                            .map(|(o, d)| match o {
                                Outcome::Errored(e) => {
                                    (Outcome::Errored(format!("{e}; {exit}")), d)
                                }
                                answered => (answered, d),
                            })
                            .collect(),
                        None => outcomes,
                    }
                }
            }
        };
        results.push(
            cases
                .into_iter()
                .zip(outcomes)
                .map(|(case, (outcome, ms))| (case, outcome, ms))
                .collect(),
        );
    }
    progress.finish();
    let interrupted = *interrupt_rx.borrow();
    let signal = signals.received();
    drop(signals);
    for secret in captured_secrets
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
    {
        redactor.add_token(secret);
    }
    // Values the launches read from the environment or derived from secrets.
    for secret in env.secrets() {
        redactor.add(&secret);
    }
    let redactor = &redactor;
    let cases = assemble(suites, results, skips, redactor, &sent, &options.gate);
    // A launched server's last output is kept for the modes where something went wrong: the
    // work directory that held its logs is gone by now.
    let troubled = |mode: &str| {
        cases
            .iter()
            .any(|c| c.mode == mode && matches!(c.status, CaseStatus::Failed | CaseStatus::Errored))
    };
    let target_logs = logs
        .into_iter()
        .filter(|l| troubled(&l.mode))
        .map(|l| TargetLog {
            stdout: redactor.redact(&l.stdout),
            stderr: redactor.redact(&l.stderr),
            ..l
        })
        .collect();
    let mut report = Report::new(
        redactor.redact(&target.describe()),
        &options.gate,
        started.elapsed().as_millis() as u64,
        interrupted,
        cases,
    );
    report.signal = signal;
    report.target_logs = target_logs;
    report
}

/// What every case of a group shares.
struct GroupCtx<'a> {
    base_url: &'a str,
    lab: Option<&'a TlsLab>,
    issuer: Option<Arc<Issuer>>,
    sequential: bool,
    /// Captured values that are tokens, to be masked in the report.
    secrets: Arc<std::sync::Mutex<Vec<String>>>,
    options: &'a RunOptions,
    deadline: Instant,
    interrupt: watch::Receiver<bool>,
}

async fn run_group(
    cases: &[PlannedCase],
    ctx: GroupCtx<'_>,
    progress: &mut Progress,
    label: &str,
) -> Vec<(Outcome, u64)> {
    let timeout = ctx.options.case_timeout;
    let mut clients: HashMap<ClientTls, Result<reqwest::Client, String>> = HashMap::new();
    for case in cases {
        clients.entry(case.tls.clone()).or_insert_with(|| {
            build_tls_client(timeout, &case.tls, ctx.lab).map_err(|e| e.to_string())
        });
    }
    let server_tls = ctx.base_url.starts_with("https://");
    let prepare = |case: &PlannedCase| -> Result<Sending, String> {
        // A skipped case is never sent; the judge reads why from the plan.
        if let Some(why) = case.error.as_ref().or(case.skip.as_ref()) {
            return Err(why.clone());
        }
        let client = clients[&case.tls].clone()?;
        let base_url = with_scheme(ctx.base_url, case.tls.scheme);
        Ok(Sending {
            client,
            client_tls: base_url.starts_with("https://"),
            base_url,
            request: case.request.clone(),
            server_tls,
            issuer: ctx.issuer.clone(),
            counters: case
                .expect
                .fetches
                .iter()
                .map(|(n, _, _)| n.clone())
                .collect(),
            timeout,
            deadline: ctx.deadline,
            interrupt: ctx.interrupt.clone(),
        })
    };
    let mut outcomes = vec![(Outcome::Errored("not run".into()), 0); cases.len()];
    if ctx.sequential {
        let mut captured = BTreeMap::new();
        for (index, case) in cases.iter().enumerate() {
            if let (Some(issuer), Some((change, delay))) = (&ctx.issuer, &case.steps.issuer) {
                issuer.apply(change, *delay);
            }
            if let Some(wait) = case.steps.wait {
                let until = (Instant::now() + wait).min(ctx.deadline);
                tokio::time::sleep_until(until.into()).await;
            }
            let ready = prepare(case).and_then(|mut sending| {
                sending.request = case
                    .request
                    .with_captures(&captured)
                    .map_err(|e| e.to_string())?;
                Ok(sending)
            });
            outcomes[index] = match ready {
                Ok(sending) => sending.send().await,
                Err(e) => (Outcome::Errored(e), 0),
            };
            if let (Outcome::Answered(answer), false) =
                (&outcomes[index].0, case.steps.capture.is_empty())
            {
                let mut secrets = ctx.secrets.lock().unwrap_or_else(|p| p.into_inner());
                capture(answer, &case.steps.capture, &mut captured, &mut secrets);
            }
            progress.step(label);
        }
        measure_timings(cases, &prepare, &ctx, &mut outcomes).await;
        run_fuzz_cases(cases, &prepare, &ctx, &mut outcomes).await;
        return outcomes;
    }
    let permits = Arc::new(Semaphore::new(ctx.options.jobs.max(1)));
    let mut tasks = JoinSet::new();
    for (index, case) in cases.iter().enumerate() {
        let sending = match prepare(case) {
            Ok(s) => s,
            Err(e) => {
                tasks.spawn(async move { (index, (Outcome::Errored(e), 0)) });
                continue;
            }
        };
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, sending.send().await)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, outcome)) = joined {
            outcomes[index] = outcome;
        }
        progress.step(label);
    }
    measure_timings(cases, &prepare, &ctx, &mut outcomes).await;
    run_fuzz_cases(cases, &prepare, &ctx, &mut outcomes).await;
    outcomes
}

/// For each answered case with a `fuzz` expectation: its generated values, one at a time.
async fn run_fuzz_cases(
    cases: &[PlannedCase],
    prepare: &impl Fn(&PlannedCase) -> Result<Sending, String>,
    ctx: &GroupCtx<'_>,
    outcomes: &mut [(Outcome, u64)],
) {
    for (index, case) in cases.iter().enumerate() {
        let Some(plan) = &case.expect.fuzz else {
            continue;
        };
        let Ok(sending) = prepare(case) else {
            continue;
        };
        if let Outcome::Answered(answer) = &mut outcomes[index].0 {
            answer.fuzz = Some(super::live_fuzz::fuzz(sending, plan, ctx.deadline).await);
        }
    }
}

/// For each case with a `timing` expectation that was answered: its request and its `like` case's,
/// alternately — one pair on fresh connections, the next on kept-alive ones — looked at after
/// each round by the box test ([`crate::verdict::box_test::Sequential`]) until it decides, or the sample
/// count, the case's time budget or the run's deadline runs out.
async fn measure_timings(
    cases: &[PlannedCase],
    prepare: &impl Fn(&PlannedCase) -> Result<Sending, String>,
    ctx: &GroupCtx<'_>,
    outcomes: &mut [(Outcome, u64)],
) {
    for (index, case) in cases.iter().enumerate() {
        let Some(timing) = &case.expect.timing else {
            continue;
        };
        let Some(like) = cases.get(timing.like) else {
            continue;
        };
        let (Ok(own), Ok(other)) = (prepare(case), prepare(like)) else {
            continue;
        };
        let mut kept_alive = build_kept_alive_client(ctx.options.case_timeout, &case.tls, ctx.lab)
            .ok()
            .and_then(|client| {
                let (Ok(mut own), Ok(mut other)) = (prepare(case), prepare(like)) else {
                    return None;
                };
                own.client = client.clone();
                other.client = client;
                Some((own, other))
            });
        let until = (Instant::now() + timing.within).min(ctx.deadline);
        let mut test = crate::verdict::box_test::Sequential::new(timing.samples as usize);
        loop {
            if Instant::now() >= until || *ctx.interrupt.borrow() {
                break;
            }
            let fresh = test.pairs().is_multiple_of(2) || kept_alive.is_none();
            let (a, b) = match (&kept_alive, fresh) {
                (Some((own_k, other_k)), false) => {
                    (own_k.latency(until).await, other_k.latency(until).await)
                }
                _ => (own.latency(until).await, other.latency(until).await),
            };
            let (Some(a), Some(b)) = (a, b) else {
                if fresh {
                    break;
                }
                // A kept-alive connection the server closed: go on with fresh ones only.
                kept_alive = None;
                continue;
            };
            if test.push(a, b).is_some() {
                break;
            }
        }
        if let (Outcome::Answered(answer), true) = (&mut outcomes[index].0, test.pairs() >= 5) {
            answer.timing = Some((test.a, test.b));
        }
    }
}

/// Takes the values a case captures from its JSON answer; a missing pointer captures nothing, and
/// the case that reads it says so.
fn capture(
    answer: &Answer,
    pointers: &[(String, String)],
    into: &mut BTreeMap<String, String>,
    secrets: &mut Vec<String>,
) {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
        return;
    };
    for (name, pointer) in pointers {
        if let Some(value) = doc.pointer(pointer) {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if crate::authn::jws::parse_compact(&text).is_ok() {
                secrets.push(text.clone());
            }
            into.insert(name.clone(), text);
        }
    }
}

/// The issuer's starting state for a server holding `credentials`: its users may use the
/// password grant, and the run's client the client-credentials grant.
fn issuer_state(credentials: &Credentials) -> IssuerState {
    let mut state = IssuerState::default();
    state.users = credentials
        .users
        .values()
        .map(|u| (u.name.clone(), u.password.expose().to_owned()))
        .collect();
    if let Some(jwt) = &credentials.jwt {
        state
            .clients
            .insert(jwt.audience.clone(), jwt.client_secret.expose().to_owned());
    }
    state
}

/// `base_url` with its scheme replaced when a case asks for another one.
fn with_scheme(base_url: &str, scheme: Option<Scheme>) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match scheme {
        Some(Scheme::Http) => format!("http://{rest}"),
        Some(Scheme::Https) => format!("https://{rest}"),
        None => base_url.to_owned(),
    }
}
