//! The gate's promises (issue 14): exit 0 only when something was judged and nothing at the gate
//! failed, 2 for bad input, 3 when nothing could be judged; secrets never printed; special files,
//! signals, deadlines, redirects and control bytes survived.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{authconform, authconform_with, bin, root, scratch, write_file};

/// The one-case suite the runtime fixtures run.
const PROBE: &str = "fixtures/bad/runtime/probe.yaml";

/// The same suite as text, for tests that write it beside other files.
const HEARTBEAT_SUITE: &str = "suite: gate-probe\ndialect: chroma\nmodes: [basic]\nfixtures:\n  users:\n    admin: {}\ncases:\n  - name: heartbeat-open\n    level: must\n    ref: test\n    request: { endpoint: heartbeat }\n    expect: { status: 2xx }\n";

fn launched_reference(mode: &str) -> String {
    format!(
        "name: ref\ndialect: chroma\nlaunch:\n  modes:\n    {mode}: {{command: [\"${{env:AUTHCONFORM_BIN}}\", serve, --dialect, chroma, --mode, basic, --port, \"{{{{ port }}}}\", --credentials-file, \"{{{{ fixtures.htpasswd }}}}\"]}}\n"
    )
}

#[test]
fn a_run_whose_every_case_is_skipped_exits_3_unless_skips_are_allowed() {
    // The target offers `token`, the suite needs `basic`: every case is skipped.
    let args = [
        "run",
        PROBE,
        "-t",
        "fixtures/bad/runtime/all-skipped-target.yaml",
    ];
    let ran = authconform(&args);
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    assert!(
        ran.stdout.contains("NOT judged (every case was skipped)"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("0 passed, 0 failed, 0 errored, 1 skipped"),
        "{}",
        ran.stdout
    );
    let mut allowed = args.to_vec();
    allowed.push("--allow-skips");
    assert_eq!(authconform(&allowed).code, 0);
}

#[test]
fn a_suite_with_no_cases_judges_nothing() {
    let dir = scratch("gate-no-cases");
    let suite = write_file(
        &dir,
        "empty.yaml",
        "suite: empty\ndialect: chroma\nmodes: [basic]\ncases: []\n",
    );
    let ran = authconform(&["run", suite.to_str().unwrap()]);
    assert_eq!(ran.code, 3, "{}{}", ran.stdout, ran.stderr);
}

#[test]
fn an_unset_variable_in_a_target_is_bad_input_before_anything_starts() {
    let dir = scratch("gate-unset-env");
    let suite = write_file(&dir, "suite.yaml", HEARTBEAT_SUITE);
    for (name, body) in [
        (
            "fixtures.yaml",
            "name: t\ndialect: chroma\nbase_url: http://127.0.0.1:9\nmodes: [basic]\nfixtures:\n  users:\n    admin: { password: \"${env:AUTHCONFORM_TEST_NEVER_SET}\" }\n",
        ),
        (
            "launch.yaml",
            "name: t\ndialect: chroma\nlaunch:\n  modes:\n    basic: {command: [\"${env:AUTHCONFORM_TEST_NEVER_SET}\", \"{{ port }}\"]}\n",
        ),
    ] {
        let target = write_file(&dir, name, body);
        let ran = authconform(&[
            "run",
            suite.to_str().unwrap(),
            "-t",
            target.to_str().unwrap(),
        ]);
        assert_eq!(ran.code, 2, "{name}: {}{}", ran.stdout, ran.stderr);
        assert!(
            ran.stderr
                .contains("environment variable AUTHCONFORM_TEST_NEVER_SET is not set"),
            "{name}: {}",
            ran.stderr
        );
        assert!(
            ran.stderr.contains(":7:") || ran.stderr.contains(":5:"),
            "{}",
            ran.stderr
        );
    }
}

#[test]
fn user_info_in_base_url_is_refused_and_never_printed() {
    let dir = scratch("gate-userinfo");
    let suite = write_file(&dir, "suite.yaml", HEARTBEAT_SUITE);
    let literal = write_file(
        &dir,
        "literal.yaml",
        "name: t\ndialect: chroma\nbase_url: http://admin:Sup3rSecretPw@127.0.0.1:9\nmodes: [basic]\n",
    );
    let ran = authconform(&[
        "run",
        suite.to_str().unwrap(),
        "-t",
        literal.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("user info"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("Sup3rSecretPw"), "{}", ran.stderr);
    let templated = write_file(
        &dir,
        "templated.yaml",
        "name: t\ndialect: chroma\nbase_url: \"${env:AUTHCONFORM_TEST_URL}\"\nmodes: [basic]\n",
    );
    let ran = authconform_with(
        &[
            "run",
            suite.to_str().unwrap(),
            "-t",
            templated.to_str().unwrap(),
        ],
        &[("AUTHCONFORM_TEST_URL", "http://u:Sup3rSecretPw@127.0.0.1:9")],
    );
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(!ran.stderr.contains("Sup3rSecretPw") && !ran.stdout.contains("Sup3rSecretPw"));
    // Plain HTTP to a host that is not loopback: warned when the target is loaded. The suite's
    // mode is not offered, so nothing is sent there (TEST-NET-1 is never contacted).
    let remote = write_file(
        &dir,
        "remote.yaml",
        "name: t\ndialect: chroma\nbase_url: http://192.0.2.1:8000\nmodes: [token]\n",
    );
    let ran = authconform(&[
        "run",
        suite.to_str().unwrap(),
        "-t",
        remote.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    assert!(
        ran.stderr
            .contains("credentials will cross the network in clear"),
        "{}",
        ran.stderr
    );
}

#[test]
fn environment_values_and_derived_secrets_are_masked_everywhere() {
    let dir = scratch("gate-secrets");
    // The launched "server" prints the secret it was given, then exits: its last words are shown.
    let target = write_file(
        &dir,
        "target.yaml",
        "name: t\ndialect: chroma\nready: {timeout: 5s}\nlaunch:\n  modes:\n    basic:\n      command: [sh, -c, \"echo starting with $TOKEN >&2; echo \\\"${env:AUTHCONFORM_TEST_SECRET}\\\" >&2; exit 4\"]\n      env: { TOKEN: \"${env:AUTHCONFORM_TEST_SECRET}\" }\n",
    );
    let suite = write_file(&dir, "suite.yaml", HEARTBEAT_SUITE);
    let json = dir.join("report.json");
    let ran = authconform_with(
        &[
            "run",
            suite.to_str().unwrap(),
            "-t",
            target.to_str().unwrap(),
            "-o",
            json.to_str().unwrap(),
        ],
        &[("AUTHCONFORM_TEST_SECRET", "envSecretValue42")],
    );
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    assert!(ran.stdout.contains("starting with ***"), "{}", ran.stdout);
    let written = std::fs::read_to_string(&json).unwrap();
    for text in [&ran.stdout, &ran.stderr, &written] {
        assert!(!text.contains("envSecretValue42"), "{text}");
    }
    // A near-copy of a password made by a filter is as secret as the password.
    let derived = write_file(
        &dir,
        "derived.yaml",
        "suite: derived\ndialect: chroma\nmodes: [basic]\nfixtures:\n  users:\n    admin: { password: \"LongFixturePassword\" }\ncases:\n  - name: near-copy\n    level: should\n    ref: test\n    request:\n      endpoint: heartbeat\n      headers: { X-Probe: \"{{ users.admin.password | drop_last(2) }}\" }\n    expect:\n      status: 200\n      body: { contains: [\"{{ users.admin.password | drop_first(3) }}\"] }\n",
    );
    let ran = authconform(&["run", derived.to_str().unwrap(), "-f", "json"]);
    assert!(ran.stdout.contains("near-copy"), "{}", ran.stdout);
    for leaked in [
        "LongFixturePasswo",
        "gFixturePassword",
        "LongFixturePassword",
    ] {
        assert!(!ran.stdout.contains(leaked), "{leaked} in {}", ran.stdout);
    }
}

#[test]
fn special_files_are_refused_without_hanging_or_reading_forever() {
    let dir = scratch("gate-special");
    let fifo = dir.join("pipe.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let suite = write_file(&dir, "suite.yaml", HEARTBEAT_SUITE);
    let started = Instant::now();
    let ran = authconform(&["run", suite.to_str().unwrap(), "-t", fifo.to_str().unwrap()]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("FIFO"), "{}", ran.stderr);
    let ran = authconform(&["validate", fifo.to_str().unwrap()]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("not a regular file"), "{}", ran.stderr);
    let ran = authconform(&["run", suite.to_str().unwrap(), "-t", "/dev/zero"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("character device"), "{}", ran.stderr);
    // A tree with a link to /dev/zero, a link out of the tree, and a loop.
    let tree = dir.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::copy(&suite, tree.join("ok.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", tree.join("zero.yaml")).unwrap();
    std::os::unix::fs::symlink(".", tree.join("self")).unwrap();
    std::os::unix::fs::symlink("/etc", tree.join("outside")).unwrap();
    let ran = authconform(&["validate", tree.to_str().unwrap()]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("out of"), "{}", ran.stderr);
    assert!(
        !ran.stderr.contains("self/self"),
        "the loop is not followed: {}",
        ran.stderr
    );
    // A CA file that is a device.
    let ca = write_file(
        &dir,
        "ca.yaml",
        "suite: ca\ndialect: chroma\nmodes: [basic]\ncases:\n  - name: c\n    level: must\n    ref: test\n    request: { endpoint: heartbeat, tls: { verify: /dev/zero } }\n    expect: { status: 2xx }\n",
    );
    let ran = authconform(&["run", ca.to_str().unwrap()]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("not a regular file"), "{}", ran.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn control_bytes_in_names_are_shown_escaped_on_the_terminal() {
    let ran = authconform(&["run", "fixtures/bad/runtime/injection.yaml"]);
    assert!(
        !ran.stdout.contains('\x1b') && !ran.stdout.contains('\x07'),
        "{:?}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("clear\\x1b[2Jtitle\\x1b]0;pwned\\x07"),
        "{}",
        ran.stdout
    );
}

#[test]
fn ready_waits_end_at_the_deadline_and_absurd_timeouts_are_refused() {
    let dir = scratch("gate-deadline");
    let suite = write_file(&dir, "suite.yaml", HEARTBEAT_SUITE);
    let target = write_file(
        &dir,
        "slow.yaml",
        "name: t\ndialect: chroma\nready: {timeout: 40s}\nlaunch:\n  stop_grace: 1s\n  modes:\n    basic: {command: [sleep, \"417.5\"]}\n",
    );
    let started = Instant::now();
    let ran = authconform(&[
        "run",
        suite.to_str().unwrap(),
        "-t",
        target.to_str().unwrap(),
        "--deadline",
        "2s",
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(ran.code, 3, "{}", ran.stdout);
    assert!(ran.stdout.contains("--deadline passed"), "{}", ran.stdout);
    let absurd = write_file(
        &dir,
        "absurd.yaml",
        "name: t\ndialect: chroma\nready: {timeout: 99999999m}\nlaunch:\n  modes:\n    basic: {command: [sleep, \"1\"]}\n",
    );
    let ran = authconform(&[
        "run",
        suite.to_str().unwrap(),
        "-t",
        absurd.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("at most 10m"), "{}", ran.stderr);
}

#[test]
fn the_readiness_probe_never_follows_a_redirect() {
    let ran = authconform_with(
        &[
            "run",
            PROBE,
            "-t",
            "fixtures/bad/runtime/redirect-target.yaml",
        ],
        &[("AUTHCONFORM_BIN", bin())],
    );
    assert!(!ran.stdout.contains("did not start"), "{}", ran.stdout);
    // Past readiness, the case itself was sent (the fault server resets the heartbeat path).
    assert!(ran.stdout.contains("Connection reset"), "{}", ran.stdout);
}

#[test]
fn work_directories_are_private_whatever_the_umask_and_file_mode_is_honoured() {
    let dir = scratch("gate-modes");
    let suite = write_file(&dir, "suite.yaml", HEARTBEAT_SUITE);
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let check = |target_body: &str, dir_mode: u32, file_mode: u32| {
        for entry in std::fs::read_dir(&tmp).unwrap() {
            std::fs::remove_dir_all(entry.unwrap().path()).unwrap();
        }
        let target = write_file(&dir, "target.yaml", target_body);
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 000; exec \"$0\" run {} -t {} --keep-workdir",
                suite.display(),
                target.display()
            ))
            .arg(bin())
            .current_dir(root())
            .env("AUTHCONFORM_BIN", bin())
            .env("TMPDIR", &tmp)
            .env("CI", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0));
        let kept: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&kept[0]), dir_mode, "work directory");
        assert_eq!(mode(&kept[0].join("htpasswd")), file_mode, "htpasswd");
        assert_eq!(mode(&kept[0].join("stderr.log")), 0o600, "log");
    };
    check(&launched_reference("basic"), 0o700, 0o600);
    let readable =
        launched_reference("basic").replace("launch:\n", "launch:\n  file_mode: \"0640\"\n");
    check(&readable, 0o710, 0o640);
}

#[test]
fn a_launched_server_that_fails_cases_leaves_its_last_output_in_the_report() {
    let dir = scratch("gate-logs");
    // A server that answers every path 404 and logs each request to stderr.
    let target = write_file(
        &dir,
        "target.yaml",
        "name: t\ndialect: chroma\nready: {path: /, timeout: 10s}\nlaunch:\n  modes:\n    basic: {command: [python3, -m, http.server, \"{{ port }}\", --bind, 127.0.0.1, --directory, \"{{ workdir }}\"]}\n",
    );
    let ran = authconform(&[
        "run",
        "scenarios/chroma/basic.yaml",
        "-t",
        target.to_str().unwrap(),
        "-f",
        "json",
    ]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let logs = report["target_logs"].as_array().expect("target_logs");
    assert_eq!(logs[0]["mode"], "basic");
    assert!(
        logs[0]["stderr"].as_str().unwrap().contains("GET /api/v2/"),
        "{}",
        logs[0]
    );
}

#[test]
fn sigterm_mid_run_stops_the_server_writes_the_report_and_exits_143() {
    let dir = scratch("gate-sigterm");
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // A server that never gets ready, and a child that daemonizes out of its process group.
    let json = dir.join("report.json");
    let mut child = Command::new(bin())
        .args([
            "run",
            PROBE,
            "-t",
            "fixtures/bad/runtime/signal-target.yaml",
            "-o",
            json.to_str().unwrap(),
        ])
        .current_dir(root())
        .env("CI", "true")
        .env("TMPDIR", &tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = |pattern: &str| {
        Command::new("pgrep")
            .args(["-f", pattern])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let started = Instant::now();
    while !running("sleep 471.5") && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(running("sleep 471.5"), "the launched command started");
    // SAFETY: kill(2) on the child we spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if stopped.elapsed() > Duration::from_secs(15) {
            let _ = child.kill();
            panic!("authconform did not stop after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(143));
    let report = std::fs::read_to_string(&json).expect("the report was written");
    assert!(report.contains("\"signal\": 15"), "{report}");
    let mut left = true;
    for _ in 0..40 {
        left = running("sleep 471.5") || running("sleep 472.5");
        if !left {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!left, "a launched process survived the signal");
    let dirs: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(dirs.is_empty(), "the work directory was left: {dirs:?}");
}
