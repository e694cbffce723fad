//! Without `--verify`, keyscan opens no network connection in any mode. A shim
//! preloaded into the process (built here with the C compiler the build needs anyway)
//! records every call that could reach the network: socket, connect, getaddrinfo.
//! The same shim sees `--verify` open a socket, which shows it is watching.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{expect_exit, fake_github_token, keyscan, write};
use crate::git_repo::TestRepo;

const SHIM: &str = r#"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static void record(const char *call, int domain) {
    const char *log = getenv("KEYSCAN_TEST_NET_LOG");
    if (!log) return;
    FILE *f = fopen(log, "a");
    if (!f) return;
    fprintf(f, "%s %d\n", call, domain);
    fclose(f);
}

int socket(int domain, int type, int protocol) {
    record("socket", domain);
    int (*real)(int, int, int) = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
    return real(domain, type, protocol);
}

int connect(int fd, const struct sockaddr *address, socklen_t length) {
    record("connect", address ? address->sa_family : -1);
    int (*real)(int, const struct sockaddr *, socklen_t) =
        (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    return real(fd, address, length);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **result) {
    record("getaddrinfo", -1);
    int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
        (int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **))
            dlsym(RTLD_NEXT, "getaddrinfo");
    return real(node, service, hints, result);
}
"#;

/// The shim, compiled into `dir`.
fn build_shim(dir: &Path) -> PathBuf {
    let source = dir.join("netlog.c");
    let library = dir.join("libnetlog.so");
    std::fs::write(&source, SHIM).unwrap();
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let status = Command::new(&compiler)
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .arg("-ldl")
        .status()
        .unwrap_or_else(|err| panic!("the C compiler `{compiler}` is needed: {err}"));
    assert!(status.success(), "the shim does not compile");
    library
}

/// The calls the shim recorded while `command` ran, which must exit with `code`.
/// With `via`, verification calls go to that loopback address.
fn network_calls(
    command: &mut assert_cmd::Command,
    shim: &Path,
    log: &Path,
    code: i32,
    via: Option<&str>,
) -> String {
    let _ = std::fs::remove_file(log);
    command
        .env("LD_PRELOAD", shim)
        .env("KEYSCAN_TEST_NET_LOG", log)
        .env_remove("KEYSCAN_VERIFY_VIA");
    if let Some(via) = via {
        command.env("KEYSCAN_VERIFY_VIA", via);
    }
    expect_exit(command, code);
    std::fs::read_to_string(log).unwrap_or_default()
}

#[test]
fn no_mode_opens_a_network_connection_without_verify() {
    let work = tempfile::tempdir().unwrap();
    let shim = build_shim(work.path());
    let log = work.path().join("net.log");
    let repo = TestRepo::new();
    let token = fake_github_token(950);
    repo.commit_file("app.env", &format!("GITHUB_TOKEN={token}\n"), "token");
    write(
        repo.path(),
        "staged.env",
        format!("TOKEN={}\n", fake_github_token(951)),
    );
    repo.git(&["add", "staged.env"]);
    let report = work.path().join("report.json");
    let baseline = work.path().join("baseline.json");
    let dir = repo.arg();
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec![dir], 1),
        (vec![dir, "-f", "sarif"], 1),
        (vec!["git", dir], 1),
        (vec!["git", dir, dir, "-f", "json"], 1),
        (vec!["stdin"], 1),
        (
            vec!["git", dir, "-f", "json", "-o", report.to_str().unwrap()],
            1,
        ),
        (vec!["merge", report.to_str().unwrap()], 1),
        (vec!["baseline", dir, "-o", baseline.to_str().unwrap()], 0),
        (
            vec!["baseline", "git", dir, "-o", baseline.to_str().unwrap()],
            0,
        ),
        (vec!["rules", "list"], 0),
    ];
    for (args, code) in runs {
        let mut command = keyscan();
        command
            .args(&args)
            .write_stdin(format!("GITHUB_TOKEN={token}\n"));
        let calls = network_calls(&mut command, &shim, &log, code, None);
        assert!(
            calls.is_empty(),
            "keyscan {args:?} made network calls:\n{calls}"
        );
    }
    let mut command = keyscan();
    command.current_dir(repo.path()).arg("staged");
    let calls = network_calls(&mut command, &shim, &log, 1, None);
    assert!(
        calls.is_empty(),
        "keyscan staged made network calls:\n{calls}"
    );

    // The shim sees what --verify does: it is watching, so the silence above is real.
    // The calls go to a loopback port nothing listens on; the attempt is recorded.
    let mut command = keyscan();
    command.args([dir, "--verify", "--verify-timeout", "2"]);
    let calls = network_calls(&mut command, &shim, &log, 1, Some("127.0.0.1:1"));
    assert!(
        calls.contains("socket") || calls.contains("getaddrinfo"),
        "the shim saw nothing of --verify: {calls:?}"
    );
}
