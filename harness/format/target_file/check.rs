//! Checking a target file beyond its types: templates, variables, URLs, launch commands; loading
//! it checked.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::dialect::Dialect;
use crate::input::read_text;
use crate::issuer::JWT_TEMPLATE_VALUES;
use crate::scenario::model::Text;
use crate::scenario::template::Template;
use crate::yaml::{Document, parse_yaml_as};

use super::*;

/// Every problem of the target file at `path`, for `validate`; the `${env:…}` variables it needs
/// that are not set come back as notes (a run refuses them; validation may run without secrets).
pub fn validate_target(path: &Path) -> Result<Vec<String>, Vec<Diagnostic>> {
    let text = read_text(path).map_err(|d| vec![d])?;
    let file: TargetFile = parse_yaml_as(path, &text, Document::Target).map_err(|d| vec![d])?;
    let dialect = resolve_dialect(&file, path, &text).map_err(|d| vec![d])?;
    let problems = check(&file, dialect, path, &text);
    if !problems.is_empty() {
        return Err(problems);
    }
    let set = |name: &str| std::env::var_os(name).is_some();
    let mut notes: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for d in unset_variables(&file, path, &text, &set) {
        if seen.insert(d.message.clone()) {
            notes.push(format!("{}: {} (a run needs it)", d.place(), d.message));
        }
    }
    Ok(notes)
}

/// A target file, its text and its dialect, checked; its first problem otherwise.
pub fn load_target(path: &Path) -> Result<(TargetFile, String, Dialect), Diagnostic> {
    let text = read_text(path)?;
    let file: TargetFile = parse_yaml_as(path, &text, Document::Target)?;
    let dialect = resolve_dialect(&file, path, &text)?;
    if let Some(first) = check(&file, dialect, path, &text).into_iter().next() {
        return Err(first);
    }
    Ok((file, text, dialect))
}

/// Every text of a target file that may hold a template.
fn templated_texts(file: &TargetFile) -> Vec<&Text> {
    let mut texts: Vec<&Text> = file.base_url.iter().collect();
    if let Some(launch) = &file.launch {
        texts.extend(launch.files.values());
        for mode in launch.modes.values() {
            texts.extend(mode.command.value.iter());
            texts.extend(mode.env.values());
            texts.extend(mode.cwd.iter());
        }
    }
    for user in file.fixtures.users.values() {
        texts.extend(user.name.iter().chain(user.password.iter()));
    }
    texts.extend(file.fixtures.tokens.values());
    texts
}

/// Every `${env:NAME}` of the file that is not set in `env`: a run would send or launch with a
/// hole where the secret should be, so it is bad input (exit 2), reported before anything starts.
pub fn unset_variables(
    file: &TargetFile,
    path: &Path,
    text: &str,
    env: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for t in templated_texts(file) {
        let Ok(template) = Template::parse(&t.value) else {
            continue;
        };
        for piece in &template.pieces {
            if let crate::scenario::template::Piece::Env(name) = piece
                && !env(name)
            {
                problems.push(
                    Diagnostic::new(path, format!("environment variable {name} is not set"))
                        .at(text, t.referenced.line(), t.referenced.column())
                        .hint(format!(
                            "export {name} before the run (in CI: inject the secret); a run with a hole where a value belongs would test nothing"
                        )),
                );
            }
        }
    }
    problems
}

/// Why `url` may not be a target's `base_url`: user info would be sent as credentials on every
/// request, the unauthenticated ones included.
pub fn user_info_problem(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.contains('@').then_some(
        "`base_url` holds user info (`user:password@`): the client would send it on every request, \
         the ones meant to go without credentials too",
    )
}

/// `…://user:password@…` → `…://user:***@…` wherever it stands in `line`.
fn mask_user_info(line: &str) -> String {
    let Some(scheme_end) = line.find("://") else {
        return line.to_owned();
    };
    let rest = &line[scheme_end + 3..];
    let authority_end = rest
        .find(['/', '?', '#', ' ', '"', '\''])
        .unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return line.to_owned();
    };
    let user = rest[..at].split(':').next().unwrap_or("");
    format!("{}{user}:***{}", &line[..scheme_end + 3], &rest[at..])
}

/// Whether `url` points at this machine (127.0.0.0/8, ::1, localhost).
pub fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A launch text's template must parse and name only values a launch has.
fn check_launch_template(
    t: &Text,
    at: &dyn Fn(&Text, String, &str) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) {
    let template = match Template::parse(&t.value) {
        Ok(template) => template,
        Err(e) => {
            return problems.push(at(
                t,
                format!("bad template: {e}"),
                "templates look like `{{ port }}` or `${env:NAME}`",
            ));
        }
    };
    for p in template.paths() {
        let name = p.join(".");
        let known = LAUNCH_VALUES.contains(&name.as_str())
            || JWT_TEMPLATE_VALUES.contains(&name.as_str())
            || (name.starts_with("settings.") && p.len() == 2);
        if !known {
            problems.push(at(
                t,
                format!("unknown template value `{name}`"),
                &format!(
                    "a launch may use: {}, {}",
                    LAUNCH_VALUES.join(", "),
                    JWT_TEMPLATE_VALUES.join(", ")
                ),
            ));
        }
    }
}

/// `openapi:` is a path on the server (`/openapi.json`) or a file that exists beside the target.
fn check_openapi(
    doc: &Text,
    path: &Path,
    at: &dyn Fn(&Text, String, &str) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) {
    let value = doc.value.as_str();
    let hint = "write `/openapi.json` (fetched from the server) or `./openapi.json` (a file, relative to the target file)";
    if value.is_empty() || value.chars().any(|c| c.is_control() || c == ' ') {
        problems.push(at(
            doc,
            format!("`openapi: {value:?}` is neither a path on the server nor a file"),
            hint,
        ));
    } else if !value.starts_with('/') {
        let file = path.parent().unwrap_or(Path::new(".")).join(value);
        if !file.is_file() {
            problems.push(at(
                doc,
                format!("the OpenAPI document {} does not exist", file.display()),
                hint,
            ));
        }
    }
}

/// Every problem of a target file: modes, endpoints, templates, durations, modes of files.
pub fn check(file: &TargetFile, dialect: Dialect, path: &Path, text: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let at = |t: &Text, message: String, hint: &str| {
        Diagnostic::new(path, message)
            .at(text, t.referenced.line(), t.referenced.column())
            .hint(hint)
    };
    if let Some(doc) = &file.openapi {
        check_openapi(doc, path, &at, &mut problems);
    }
    match (&file.base_url, &file.launch) {
        (Some(url), Some(_)) => {
            problems.push(at(
                url,
                "give `base_url` or `launch`, not both".into(),
                "`base_url` names a running server; `launch` starts one per mode",
            ));
        }
        (None, None) => {
            problems.push(at(
                &file.name,
                "the target has neither `base_url` nor `launch`".into(),
                "add `base_url: http://127.0.0.1:8000` with `modes`, or a `launch` block",
            ));
        }
        (Some(url), None) => {
            if !(url.value.starts_with("http://")
                || url.value.starts_with("https://")
                || url.value.starts_with("${"))
            {
                problems.push(at(
                    url,
                    format!("{:?} is not an http(s) URL", url.value),
                    "write e.g. http://127.0.0.1:8000",
                ));
            }
            if let Some(problem) = user_info_problem(&url.value) {
                let mut d = at(
                    url,
                    problem.into(),
                    "remove `user:password@` and give the credentials under `fixtures.users`",
                );
                // The line shown under the message must not show the password it complains of.
                d.source_line = d.source_line.map(|l| mask_user_info(&l));
                problems.push(d);
            }
            if let Err(e) = Template::parse(&url.value) {
                problems.push(at(
                    url,
                    format!("bad template: {e}"),
                    "only `${env:NAME}` is known here",
                ));
            }
            if file.modes.is_empty() {
                problems.push(at(
                    url,
                    "a running target must list the `modes` it has".into(),
                    "e.g. `modes: [basic]`",
                ));
            }
        }
        (None, Some(launch)) => {
            if !file.modes.is_empty() {
                problems.push(at(&file.modes[0], "`modes` goes with `base_url`; a launched target lists its modes under `launch.modes`".into(), "move each mode under `launch.modes`"));
            }
            if let Some(grace) = &launch.stop_grace {
                match crate::duration::parse_duration(&grace.value) {
                    Err(e) => problems.push(at(grace, e.to_string(), "e.g. `stop_grace: 5s`")),
                    Ok(d) if d > MAX_STOP_GRACE => problems.push(at(
                        grace,
                        format!("`stop_grace` is at most {}s", MAX_STOP_GRACE.as_secs()),
                        "a server that ignores SIGTERM for longer is killed anyway",
                    )),
                    Ok(_) => {}
                }
            }
            if let Some(mode) = &launch.file_mode
                && let Err(e) = parse_file_mode(&mode.value)
            {
                problems.push(at(
                    mode,
                    e.to_string(),
                    "e.g. `file_mode: \"0640\"` with the server's group",
                ));
            }
            if let Some(cost) = &launch.bcrypt_cost
                && !crate::htpasswd::BCRYPT_COSTS.contains(&cost.value)
            {
                let at = cost.referenced;
                problems.push(
                    Diagnostic::new(
                        path,
                        format!("`bcrypt_cost: {}` is out of range", cost.value),
                    )
                    .at(text, at.line(), at.column())
                    .hint("bcrypt costs run from 4 to 14 (10 is about 60 ms a hash)"),
                );
            }
            for (name, body) in &launch.files {
                let relative = Path::new(name);
                let inside = !name.is_empty()
                    && relative
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)));
                if !inside {
                    problems.push(at(
                        body,
                        format!(
                            "`files` may only name paths inside the work directory, not {name:?}"
                        ),
                        "write a relative path such as `nginx.conf` or `www/index.html`",
                    ));
                }
                check_launch_template(body, &at, &mut problems);
            }
            for spec in launch.modes.values() {
                if spec.command.value.is_empty() {
                    let p = &spec.command.referenced;
                    problems.push(
                        Diagnostic::new(path, "`command` is empty")
                            .at(text, p.line(), p.column())
                            .hint("give the program and its arguments as a list"),
                    );
                }
                let texts = spec
                    .command
                    .value
                    .iter()
                    .chain(spec.env.values())
                    .chain(&spec.cwd);
                for t in texts {
                    check_launch_template(t, &at, &mut problems);
                }
            }
        }
    }
    let modes: Vec<&Text> = match &file.launch {
        Some(_) => Vec::new(),
        None => file.modes.iter().collect(),
    };
    for mode in modes {
        if dialect.mode(&mode.value).is_none() {
            let names: Vec<_> = dialect.modes().iter().map(|m| m.name).collect();
            problems.push(at(
                mode,
                format!("dialect {dialect} has no auth mode {:?}", mode.value),
                &format!("modes of {dialect}: {}", names.join(", ")),
            ));
        }
    }
    if let Some(launch) = &file.launch {
        for (name, spec) in &launch.modes {
            if dialect.mode(name).is_none() {
                let names: Vec<_> = dialect.modes().iter().map(|m| m.name).collect();
                // The mode's key has no position of its own; its command is right below it.
                let place = &spec.command.referenced;
                problems.push(
                    Diagnostic::new(
                        path,
                        format!(
                            "`launch.modes` names {name:?}, which dialect {dialect} does not have"
                        ),
                    )
                    .at(text, place.line(), place.column())
                    .hint(format!("modes of {dialect}: {}", names.join(", "))),
                );
            }
        }
    }
    for (name, spanned) in &file.endpoints {
        // An untagged value keeps no positions inside it: every message points at the entry.
        let endpoint = &spanned.value;
        let placed = Text {
            value: endpoint.path().value.clone(),
            referenced: spanned.referenced,
            defined: spanned.defined,
        };
        let p = &placed;
        let added = matches!(endpoint, TargetEndpoint::Full(f) if f.access.is_some());
        if dialect.endpoint(name).is_none() && !added {
            problems.push(at(
                p,
                format!("dialect {dialect} has no endpoint {name:?}"),
                "move only endpoints the dialect names (`authconform dialects show NAME`), or add one with `{ path: /…, access: public | protected }`",
            ));
        }
        if let TargetEndpoint::Full(FullEndpoint {
            method: Some(m), ..
        }) = endpoint
            && (m.value.is_empty() || !m.value.bytes().all(|b| b.is_ascii_uppercase()))
        {
            problems.push(at(
                p,
                format!("{:?} is not an HTTP method", m.value),
                "write it in capitals: GET, POST, HEAD, …",
            ));
        }
        if !p.value.starts_with('/') {
            problems.push(at(
                p,
                "an endpoint path must start with `/`".into(),
                "e.g. /api/v2/heartbeat",
            ));
        }
        if p.value.contains(['\r', '\n', '\0']) {
            problems.push(at(
                p,
                "an endpoint path may not hold CR, LF or NUL".into(),
                "they would split the request line",
            ));
        }
    }
    if let Some(t) = &file.ready.timeout {
        match crate::duration::parse_duration(&t.value) {
            Err(e) => problems.push(at(t, e.to_string(), "e.g. `timeout: 30s`")),
            Ok(d) if d > MAX_READY_TIMEOUT => problems.push(at(
                t,
                format!(
                    "`ready.timeout` is at most {}m",
                    MAX_READY_TIMEOUT.as_secs() / 60
                ),
                "a server that takes longer to start is better started before the run (`base_url`)",
            )),
            Ok(_) => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_found_and_masked() {
        assert!(user_info_problem("http://a:b@127.0.0.1:1/").is_some());
        assert!(user_info_problem("http://127.0.0.1:1/x@y").is_none());
        assert_eq!(
            mask_user_info("base_url: http://admin:hunter2@127.0.0.1:8000"),
            "base_url: http://admin:***@127.0.0.1:8000"
        );
    }

    #[test]
    fn loopback_urls() {
        for url in [
            "http://127.0.0.1:1",
            "http://localhost/",
            "http://[::1]:8/",
            "http://127.9.9.9",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in [
            "http://192.0.2.1:8000",
            "http://example.com",
            "http://[2001:db8::1]/",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }

    #[test]
    fn file_modes() {
        assert_eq!(parse_file_mode("0640"), Ok(0o640));
        assert_eq!(parse_file_mode("600"), Ok(0o600));
        for bad in ["0666", "0700", "0400", "rw", "0o1644"] {
            assert!(parse_file_mode(bad).is_err(), "{bad}");
        }
    }
}
