//! Secrets through the real CLI (backend.md §8.3): read from stdin, never argv; kept in the OS
//! keychain when a Secret Service answers (a private D-Bus session bus and GNOME Keyring that
//! the test starts itself), else in the 0600 database file; fallback secrets move into the
//! keychain once it answers.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::*;

const KEY: &str = "sk-ant-test-secret-0001";
const NEW_KEY: &str = "sk-ant-test-secret-0002";

/// The real binary on `root`, talking to the session bus at `bus`.
fn sb_on_bus(root: &Path, bus: &str, args: &[&str], stdin: Option<&str>) -> (bool, Value) {
    let mut command = sb(root);
    command
        .args(args)
        .env_remove("SKILL_BUILDER_SECRET_STORE")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("HOME", root.join("home"))
        .stdin(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_else(|| panic!("no output for {args:?}; stderr: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.success(), serde_json::from_str(last).unwrap())
}

fn ok(result: (bool, Value)) -> Value {
    assert!(result.0, "the command failed: {}", result.1);
    result.1
}

fn api_key_status(root: &Path, bus: &str) -> Value {
    ok(sb_on_bus(root, bus, &["settings", "get"], None))["anthropicApiKey"].clone()
}

fn stored_in_database(root: &Path) -> i64 {
    scalar(&open_db(&root.join("data")), "SELECT count(*) FROM settings WHERE key LIKE 'secret.%'")
}

/// Every byte the app keeps in its data folder, to search for a secret.
fn data_bytes(root: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(root.join("data")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            bytes.extend(std::fs::read(path).unwrap());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn prepare(root: &Path) {
    for dir in ["home", "tmp", "skills"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
}

#[test]
fn without_a_keychain_secrets_go_to_the_private_database_and_never_through_argv() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    prepare(root);
    let no_bus = format!("unix:path={}", root.join("no-bus").display());

    let status =
        ok(sb_on_bus(root, &no_bus, &["settings", "set-secret", "anthropic-api-key"], Some(&format!("{KEY}\n"))));
    assert_eq!(status, serde_json::json!({ "set": true, "hint": "0001", "backend": "database" }));
    assert_eq!(api_key_status(root, &no_bus)["backend"], "database");
    assert_eq!(stored_in_database(root), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root.join("data/skill-builder.db")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // The argv forms are gone: a patch carrying a secret and `--api-key` are refused.
    let patch = format!(r#"{{"anthropicApiKey":{{"set":"{NEW_KEY}"}}}}"#);
    let (success, err) = sb_on_bus(root, &no_bus, &["settings", "save", &patch], None);
    assert!(!success);
    assert_eq!(err["details"]["field"], "anthropicApiKey");
    let (success, err) = sb_on_bus(root, &no_bus, &["settings", "test-api-key", "--api-key", NEW_KEY], None);
    assert!(!success);
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(api_key_status(root, &no_bus)["hint"], "0001");

    let cleared = ok(sb_on_bus(root, &no_bus, &["settings", "clear-secret", "anthropic-api-key"], None));
    assert_eq!(cleared["set"], false);
    assert_eq!(stored_in_database(root), 0);
}

/// A child killed and reaped when dropped.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// A private session bus and an unlocked GNOME Keyring on it, both under `root`. Their programs
/// are system dependencies (`scripts/install-system-deps.sh`): without them the test fails
/// rather than pass untested.
fn private_secret_service(root: &Path) -> (String, Daemon) {
    let (Some(dbus), Some(keyring)) = (on_path("dbus-daemon"), on_path("gnome-keyring-daemon")) else {
        panic!(
            "the keychain test needs dbus-daemon and gnome-keyring-daemon (Debian: dbus-daemon gnome-keyring; \
             scripts/install-system-deps.sh installs them)"
        );
    };
    let run = root.join("run");
    std::fs::create_dir_all(&run).unwrap();
    let socket = run.join("bus");
    let mut bus = Command::new(dbus)
        .args(["--session", "--nofork", "--print-address=1"])
        .arg(format!("--address=unix:path={}", socket.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut address = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(bus.stdout.take().unwrap()), &mut address).unwrap();
    let bus = Daemon(bus);
    let address = address.trim().to_string();
    // `--daemonize` returns once the daemon is ready and its login keyring unlocked; the daemon
    // exits when its session bus goes away, which dropping `bus` makes happen.
    let mut starter = Command::new(keyring)
        .args(["--unlock", "--components=secrets", "--daemonize"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("HOME", root.join("home"))
        .env("XDG_RUNTIME_DIR", &run)
        .env("XDG_DATA_HOME", root.join("home/.local/share"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The keyring's password arrives on stdin, ended by EOF.
    let mut password = starter.stdin.take().unwrap();
    password.write_all(b"test-keyring-password").unwrap();
    drop(password);
    assert!(starter.wait().unwrap().success(), "gnome-keyring-daemon did not start");
    (address, bus)
}

#[test]
fn secrets_move_into_the_keychain_once_it_answers_and_stay_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    prepare(root);
    // First no keychain answers: the key lands in the database fallback.
    let no_bus = format!("unix:path={}", root.join("no-bus").display());
    ok(sb_on_bus(root, &no_bus, &["settings", "set-secret", "anthropic-api-key"], Some(KEY)));
    assert_eq!(stored_in_database(root), 1);

    let (bus, _bus) = private_secret_service(root);
    // The next start finds the keychain (the daemon may still be registering its name).
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        let status = api_key_status(root, &bus);
        if status["backend"] == "keychain" || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status, serde_json::json!({ "set": true, "hint": "0001", "backend": "keychain" }));
    assert_eq!(stored_in_database(root), 0, "the fallback copy left the database");
    assert!(!contains(&data_bytes(root), KEY), "no trace of the key in the data folder");

    // New secrets go straight to the keychain, and a later process reads them from there.
    let saved =
        ok(sb_on_bus(root, &bus, &["settings", "set-secret", "anthropic-api-key"], Some(&format!("{NEW_KEY}\n"))));
    assert_eq!(saved, serde_json::json!({ "set": true, "hint": "0002", "backend": "keychain" }));
    assert_eq!(stored_in_database(root), 0);
    assert_eq!(api_key_status(root, &bus)["hint"], "0002");
    assert!(!contains(&data_bytes(root), NEW_KEY));

    ok(sb_on_bus(root, &bus, &["settings", "clear-secret", "anthropic-api-key"], None));
    assert_eq!(api_key_status(root, &bus), serde_json::json!({ "set": false, "hint": null, "backend": "keychain" }));
}
