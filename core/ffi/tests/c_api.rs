//! Builds the C test program `tests/c/test_mediadiag.c` against the static library that cargo
//! built for this test run, with the C compiler (`$CC`, else `cc`), and runs it.

#![cfg(unix)]

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The system libraries a Rust static library needs on this platform
/// (`rustc --print native-static-libs`).
const NATIVE_LIBS: &[&str] = if cfg!(target_os = "macos") {
    &["-lSystem", "-lc", "-lm"]
} else {
    &["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"]
};

/// The static library cargo built for this run. Building a test compiles the library with all
/// its crate types into `target/<profile>/deps/libmediadiag_ffi-<hash>.a` but does not always
/// refresh the copy in `target/<profile>/`, so the newest of them all is taken.
fn static_library() -> PathBuf {
    let exe = env::current_exe().expect("path of the test executable");
    let deps = exe.parent().expect("target/<profile>/deps");
    let profile_dir = deps.parent().expect("target/<profile>");
    let in_deps = fs::read_dir(deps).expect("list target/<profile>/deps").filter_map(|entry| {
        let path = entry.ok()?.path();
        let name = path.file_name()?.to_str()?;
        (name.starts_with("libmediadiag_ffi-") && name.ends_with(".a")).then_some(path)
    });
    in_deps
        .chain(Some(profile_dir.join("libmediadiag_ffi.a")))
        .filter_map(|path| Some((fs::metadata(&path).ok()?.modified().ok()?, path)))
        .max()
        .map(|(_, path)| path)
        .expect("libmediadiag_ffi.a was not built; run `cargo test -p mediadiag-ffi`")
}

/// Compiles `tests/c/{name}.c` against the library with every warning an error, runs it,
/// and returns its output.
fn compile_and_run(name: &str) -> std::process::Output {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let program = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let compiler = env::var("CC").unwrap_or_else(|_| "cc".to_owned());

    let compiled = Command::new(&compiler)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(manifest.join("include"))
        .arg(manifest.join(format!("tests/c/{name}.c")))
        .arg(static_library())
        .args(NATIVE_LIBS)
        .arg("-o")
        .arg(&program)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{compiler}` (set CC): {e}"));
    assert!(compiled.success(), "compiling {name}.c failed: {compiled}");
    Command::new(&program).output().unwrap_or_else(|e| panic!("run {name}: {e}"))
}

#[test]
fn the_readme_s_phone_example_compiles_runs_and_is_the_readme_s() {
    let output = compile_and_run("example_phone");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the example failed ({}): {stdout}", output.status);
    assert_eq!(stdout, "503 ServiceUnavailable: retry in 2 s\n");
    let example = include_str!("c/example_phone.c");
    let readme = include_str!("../../../README.md");
    assert!(readme.contains(&format!("```c\n{example}```")), "README.md's C example is not tests/c/example_phone.c");
}

#[test]
fn the_c_test_program_passes() {
    let output = compile_and_run("test_mediadiag");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(output.status.success(), "the C test program failed ({}):\n{stdout}{stderr}", output.status);
    assert!(stdout.contains(" passed, 0 failed"), "unexpected output: {stdout}");
}
