"""`make bench`: load-test the pages on the production server and record the figures.

Starts gunicorn (3 workers, DEBUG off) and one task worker on the configured database,
then, for each target page, runs locust headless in a second process on loopback:
20 clients for 30 s, each GETting the page without pause. Also measures, per page, the
SQL queries of one request (in process, with Django's test client) and the bytes
transferred (HTML with and without gzip, plus the CSS and JS the page references).

Prints a markdown table and writes it into docs/PERFORMANCE.md, between the markers,
keeping the rest of that file (the analysis) as it is.

    SECRET_KEY=... .venv/bin/python bench/run.py
    BENCH_DURATION=5s BENCH_USERS=5 ...   a quicker run, to try the harness
"""

import contextlib
import csv
import http.client
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8765
USERS = int(os.environ.get("BENCH_USERS", "20"))
DURATION = os.environ.get("BENCH_DURATION", "30s")
WEB_WORKERS = 3
REPORT = ROOT / "docs" / "PERFORMANCE.md"
OUT = ROOT / "var" / "bench"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"

# Targets of issue #2.
TARGET_P95_MS = 150
TARGET_QUERIES = 10
TARGET_KB = 100

CONSTANT = "/bench/constant"
PAGES = [
    ("Minimal view (baseline)", CONSTANT),
    ("Home", "/"),
    ("Territory map", "/territoire/"),
    ("Commune page (Antony)", "/territoire/communes/92002/"),
    ("Organisations API", "/api/organisations"),
]


@dataclass
class Result:
    label: str
    path: str
    queries: int = 0
    html_bytes: int = 0
    html_gzip_bytes: int = 0
    assets: dict[str, int] = field(default_factory=dict)  # path -> bytes with gzip
    assets_identity: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    alone_p50: float = 0.0  # ms, one client, sequential requests: the service time
    load: float = 0.0  # 1-minute load average at the end of the page's load test

    @property
    def total_gzip(self) -> int:
        return self.html_gzip_bytes + sum(self.assets.values())

    @property
    def total_identity(self) -> int:
        return self.html_bytes + sum(self.assets_identity.values())


def production_environment() -> dict[str, str]:
    """The server's environment: DEBUG off, not the test settings."""
    env = dict(os.environ)
    for name in ("CITEIA_TESTING", "DEBUG", "TASKS_BACKEND", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    if not env.get("SECRET_KEY"):
        sys.exit("SECRET_KEY is required (make bench reads it from var/secret_key).")
    return env


def port_is_free() -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, PORT)) != 0


def get(path: str, *, gzip: bool) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip" if gzip else "identity"})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def wait_until_serving(server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (code {server.returncode}); see {OUT / 'gunicorn.log'}")
        with contextlib.suppress(OSError):  # not listening yet
            if get(CONSTANT, gzip=False)[0] == 200:
                return
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer on {HOST}:{PORT} within {timeout} s")


def referenced_assets(html: str) -> list[str]:
    """The stylesheets and scripts a page loads (what a first visit downloads besides it)."""
    assets = []
    for tag in re.findall(r"<(?:link|script)\b[^>]*>", html):
        if tag.startswith("<link") and not re.search(r'rel="[^"]*stylesheet', tag):
            continue
        match = re.search(r'(?:href|src)="([^"]+)"', tag)
        if match and match.group(1).startswith("/"):
            assets.append(match.group(1))
    return list(dict.fromkeys(assets))


def measure_bytes(result: Result) -> None:
    status, plain, _headers = get(result.path, gzip=False)
    if status != 200:
        sys.exit(f"{result.path} answered {status}")
    _status, compressed, headers = get(result.path, gzip=True)
    result.html_bytes = len(plain)
    result.html_gzip_bytes = len(compressed)
    if "html" in headers.get("content-type", ""):
        for asset in referenced_assets(plain.decode("utf-8")):
            result.assets[asset] = len(get(asset, gzip=True)[1])
            result.assets_identity[asset] = len(get(asset, gzip=False)[1])


def setup_django(env: dict[str, str]) -> None:
    for name in set(os.environ) - set(env):
        del os.environ[name]
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeia.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        sys.exit("Static files are not collected: run `manage.py collectstatic --no-input`.")


def measure_alone(result: Result, count: int = 30) -> None:
    """Latency with no concurrency: what a request costs before any queueing."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        get(result.path, gzip=True)
        times.append((time.perf_counter() - started) * 1000)
    result.alone_p50 = sorted(times)[count // 2]


def measure_queries(results: list[Result]) -> None:
    """Queries of one anonymous request, in this process, on the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    for result in results:
        client.get(result.path)  # warm-up: first-request caches are not the page's cost
        with CaptureQueriesContext(connection) as captured:
            response = client.get(result.path)
        assert response.status_code == 200, (result.path, response.status_code)
        result.queries = len(captured)


def locust_command(prefix: Path, port: int = PORT) -> list[str]:
    """The headless locust run shared by both benchmarks: USERS clients for DURATION."""
    return [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        str(USERS),
        "-t",
        DURATION,
        "--host",
        f"http://{HOST}:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]


def run_locust(result: Result, env: dict[str, str]) -> None:
    slug = re.sub(r"[^a-z0-9]+", "-", result.path.lower()).strip("-") or "home"
    prefix = OUT / slug
    command = locust_command(prefix)
    print(f"  locust {result.path} ({USERS} clients, {DURATION})…", flush=True)
    with (OUT / f"locust-{slug}.log").open("w") as log:
        subprocess.run(  # noqa: S603 - our own command
            command,
            env={**env, "BENCH_PATH": result.path},
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            cwd=ROOT,
        )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")
    result.requests = int(row["Request Count"])
    result.failures = int(row["Failure Count"])
    result.rps = float(row["Requests/s"])
    result.p50 = float(row["50%"])
    result.p95 = float(row["95%"])
    result.load = os.getloadavg()[0]


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def table(results: list[Result]) -> str:
    base = next(r for r in results if r.path == CONSTANT)
    lines = [
        "| page | path | req/s | p50 ms | p95 ms | p95 / minimal | req/s / minimal "
        "| 1 client p50 ms | SQL queries | HTML KB (raw / gzip) | CSS+JS KB (gzip) "
        "| total KB gzip (raw) | failures | load avg |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | `{r.path}` | {r.rps:.0f} | {r.p50:.0f} | {r.p95:.0f} "
            f"| {r.p95 / base.p95:.1f}× | {r.rps / base.rps:.2f} | {r.alone_p50:.1f} | {r.queries} "
            f"| {kb(r.html_bytes)} / {kb(r.html_gzip_bytes)} | {kb(sum(r.assets.values()))} "
            f"| {kb(r.total_gzip)} ({kb(r.total_identity)}) | {r.failures}/{r.requests} "
            f"| {r.load:.1f} |"
        )
    return "\n".join(lines)


def verdicts(results: list[Result]) -> str:
    lines = []
    for r in results:
        if r.path == CONSTANT:
            continue
        misses = []
        if r.p95 >= TARGET_P95_MS:
            over = r.p95 - TARGET_P95_MS
            misses.append(f"p95 {r.p95:.0f} ms, {over:.0f} ms ({over / TARGET_P95_MS:.0%}) over")
        if r.queries > TARGET_QUERIES:
            misses.append(f"{r.queries} queries, {r.queries - TARGET_QUERIES} over")
        if r.total_gzip >= TARGET_KB * 1024:
            misses.append(f"{kb(r.total_gzip)} KB, {kb(r.total_gzip - TARGET_KB * 1024)} KB over")
        if r.failures:
            misses.append(f"{r.failures} failed requests")
        status = "**missed**: " + "; ".join(misses) if misses else "all targets met"
        lines.append(f"- {r.label}: {status}.")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), flags=re.M)
        cpu = models[0] if models else cpu
    note = os.environ.get(
        "BENCH_MACHINE_NOTE",
        "shared virtual machine: other jobs run at the same time, so figures move between runs",
    )
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}; {note}"


def data_note() -> str:
    from django.db import connection

    from citeia.accounts.models import Organisation
    from citeia.territory.models import Commune

    return (
        f"{connection.vendor} database, {Commune.objects.count()} communes, "
        f"{Organisation.objects.count()} organisations"
    )


def load_average() -> str:
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def report(results: list[Result], command: str, load_before: str) -> str:
    assets = sorted({a for r in results for a in r.assets})
    return "\n".join(
        [
            START,
            f"Run on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `{command}`.",
            "",
            f"- Machine: {machine()}. Load average (1, 5, 15 min) before the run: "
            f"{load_before}; after: {load_average()}.",
            f"- Server: gunicorn, {WEB_WORKERS} sync workers, DEBUG off, whitenoise; "
            f"one task worker polling the queue; {data_note()}.",
            f"- Load: locust headless in a second process on the same machine and loopback, "
            f"{USERS} clients, {DURATION} per page, no pause between requests, "
            '`Accept-Encoding: gzip`. "1 client": 30 sequential requests before the load, '
            'the cost of a request without queueing. "load avg": the machine\'s 1-minute load '
            "average when the page's run ended (gunicorn and locust alone make about 3; more "
            "means other jobs shared the two cores).",
            "- Queries: one anonymous request after a warm-up, counted in process with "
            "`CaptureQueriesContext`. Bytes: response bodies (headers excluded), HTML with and "
            "without gzip, plus the stylesheets and scripts the page references, as served "
            f"with gzip: {', '.join(f'`{a}`' for a in assets) or 'none'}.",
            "",
            table(results),
            "",
            f"Targets: p95 < {TARGET_P95_MS} ms, ≤ {TARGET_QUERIES} queries, "
            f"< {TARGET_KB} KB transferred per page.",
            "",
            verdicts(results),
            END,
        ]
    )


def write_report(block: str) -> None:
    if REPORT.exists() and START in (text := REPORT.read_text()) and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        REPORT.write_text(before + block + after)
        return
    REPORT.write_text(
        "# Performance\n\n"
        "Figures from `make bench` (bench/run.py); the block below is rewritten by each run.\n\n"
        + block
        + "\n"
    )


def stop(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    env = production_environment()
    OUT.mkdir(parents=True, exist_ok=True)
    if not port_is_free():
        sys.exit(f"{HOST}:{PORT} is already in use: stop what listens there first.")
    load_before = load_average()
    setup_django(env)
    results = [Result(label, path) for label, path in PAGES]
    measure_queries(results)

    print(f"Serving on http://{HOST}:{PORT} (gunicorn, {WEB_WORKERS} workers) + 1 task worker")
    with (OUT / "gunicorn.log").open("w") as server_log, (OUT / "worker.log").open("w") as wlog:
        server = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(VENV_BIN / "gunicorn"),
                "citeia.wsgi:application",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(WEB_WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=wlog,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(server)
            for result in results:
                measure_bytes(result)
                measure_alone(result)
            for result in results:
                run_locust(result, env)
        finally:
            stop(worker, signal.SIGINT)
            stop(server, signal.SIGTERM)

    command = os.environ.get("BENCH_COMMAND", "make bench")
    if (USERS, DURATION) != (20, "30s"):
        command += f" (BENCH_USERS={USERS} BENCH_DURATION={DURATION})"
    block = report(results, command, load_before)
    print()
    print(block)
    write_report(block)
    print(f"\nWritten to {REPORT.relative_to(ROOT)}; locust output in {OUT.relative_to(ROOT)}/.")


if __name__ == "__main__":
    main()
