//! The deployment files in `deploy/` checked by the tools that load them: the systemd unit by
//! `systemd-analyze verify`, the Prometheus alert rules by `promtool check rules` and their
//! unit tests by `promtool test rules`. Without a tool the test says so and passes, unless
//! its `MEDIADIAG_REQUIRE_*` variable is set (CI sets them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn deploy(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy").join(path)
}

/// The tool's path, or `None` after saying why the test does not run.
fn tool(name: &str, require: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.exists());
    if found.is_none() {
        assert!(std::env::var_os(require).is_none(), "no {name} binary, and {require} requires it");
        eprintln!("SKIPPED {test}: no {name} binary");
    }
    found
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    let test = "the_systemd_unit_passes_systemd_analyze_verify";
    let Some(analyze) = tool("systemd-analyze", "MEDIADIAG_REQUIRE_SYSTEMD", test) else { return };
    // `verify` needs ExecStart's binary to exist: the unit is checked pointing at a stand-in.
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("mediadiag-collector");
    std::fs::copy("/bin/true", &binary).unwrap();
    let unit = std::fs::read_to_string(deploy("systemd/mediadiag-collector.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/mediadiag-collector"), "the unit starts the installed binary");
    let unit_path = dir.path().join("mediadiag-collector.service");
    let binary = binary.display().to_string();
    std::fs::write(&unit_path, unit.replace("/usr/local/bin/mediadiag-collector", &binary)).unwrap();
    let output = Command::new(analyze).arg("verify").arg(&unit_path).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    // `verify` exits 0 even for unknown settings, which it only prints: both must be clean.
    assert!(output.status.success() && said.trim().is_empty(), "systemd-analyze verify: {said}");
    for setting in ["DynamicUser=yes", "StateDirectory=mediadiag", "ProtectSystem=strict", "NoNewPrivileges=yes"] {
        assert!(unit.contains(setting), "the unit sets {setting}");
    }
}

#[test]
fn the_alert_rules_pass_promtool_check_and_their_unit_tests() {
    let test = "the_alert_rules_pass_promtool_check_and_their_unit_tests";
    let Some(promtool) = tool("promtool", "MEDIADIAG_REQUIRE_PROMETHEUS", test) else { return };
    let dir = deploy("prometheus");
    for args in [&["check", "rules", "alerts.yml"][..], &["test", "rules", "alerts_test.yml"]] {
        let output = Command::new(&promtool).args(args).current_dir(&dir).output().unwrap();
        assert!(
            output.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let rules = std::fs::read_to_string(dir.join("alerts.yml")).unwrap();
    for alert in ["MediadiagCollectorDown", "MediadiagStoreNotReady", "MediadiagServerErrors", "MediadiagCommitSlow"] {
        assert!(rules.contains(alert), "the rules hold {alert}");
    }
}
