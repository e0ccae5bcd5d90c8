"""The register at the scale of issue #5, on SQLite and/or PostgreSQL.

For each database, in a database of its own (never the configured one):
`var/bench/registry.sqlite3`, or `citeia_bench_registry` on BENCH_POSTGRES_URL, created
afresh and removed at the end unless --keep:

1. `manage.py migrate`, `createcachetable`, `collectstatic` (under var/bench/registry-var/);
2. generates with `bulk_create` 50,000 records of the public organisations, 5 published
   versions each (250,000 snapshots), plus one record with 50 versions; indexes the
   current versions for search;
3. serves with gunicorn (3 sync workers, DEBUG off) and measures over HTTP:
   - register search with two filters (`q` + theme + decision type) with 20 concurrent
     clients (threads, keep-alive off) for BENCH_DURATION seconds: p50, p95, requests/s
     (target p95 < 150 ms on PostgreSQL);
   - the full CSV export: time, size, rows, and the peak resident memory of the gunicorn
     workers sampled every 50 ms during the download (target: flat, < 200 MB);
   - the history page and the diff page of the record with 50 versions (median of 20).

Prints a markdown block and, unless --no-report, writes it into docs/PERFORMANCE.md
between <!-- bench:registry:start --> and <!-- bench:registry:end -->.

    SECRET_KEY=... .venv/bin/python bench/registry.py
    ... bench/registry.py --databases postgresql --keep
    BENCH_DURATION=5 ... bench/registry.py --scale 0.02 --no-report    try the harness
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8767
USERS = int(os.environ.get("BENCH_USERS", "20"))
DURATION = float(os.environ.get("BENCH_DURATION", "30"))
WEB_WORKERS = 3
OUT = ROOT / "var" / "bench"
VAR_DIR = OUT / "registry-var"
SQLITE_FILE = OUT / "registry.sqlite3"
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
POSTGRES_DB = "citeia_bench_registry"
RECORDS = 50_000
VERSIONS = 5
HISTORY_VERSIONS = 50
SEARCH = "/registre/?q=cantine&theme=education&decision=individual"
WORDS = [
    "cantine",
    "crèche",
    "voirie",
    "logement",
    "piscine",
    "collecte",
    "stationnement",
    "bibliothèque",
    "tarif",
    "subvention",
]
THEMES = ["education", "social", "mobility", "environment", "urbanism", "citizen"]
DECISIONS = ["individual", "support", "none"]
MARKER_START, MARKER_END = "<!-- bench:registry:start -->", "<!-- bench:registry:end -->"


# --- Data (in a child process with Django set up) --------------------------------------------


def generate(scale: float) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from citeia.accounts.models import Organisation
    from citeia.core import search
    from citeia.registry import schema
    from citeia.registry.models import PublicIdSequence, Record, RecordVersion
    from citeia.registry.services import organisation_code

    rng = random.Random(5)
    total = max(int(RECORDS * scale), 10)
    organisations = list(
        Organisation.objects.filter(kind__in=["commune", "ept", "metropole"]).select_related(
            "commune"
        )
    )
    codes = {org.pk: organisation_code(org) for org in organisations}
    counters: dict[str, int] = {}
    now = timezone.now()
    started = time.perf_counter()

    def fields(n: int, version: int) -> dict:
        word = WORDS[n % len(WORDS)]
        return {
            "name": f"Algorithme {word} {n}",
            "summary": f"Aide le service {word} à traiter les demandes ({n}).",
            "description": f"La collectivité utilise cet outil pour le service {word}. "
            "Un agent vérifie chaque résultat. Vous pouvez demander une explication.",
            "theme": THEMES[n % len(THEMES)],
            "decision_type": DECISIONS[n % len(DECISIONS)],
            "automation": "human",
            "lifecycle": "in_use",
            "goal": f"Traiter les demandes du service {word}, version {version}.",
            "legal_basis": "Délibération du conseil municipal.",
            "accountable_role": "Direction du service",
            "human_oversight": "Un agent vérifie chaque résultat.",
            "personal_data": "personal",
            "technique": "rules" if n % 2 else "ml",
            "next_review": "2099-01-01",
            "data_sources": "Dossier de demande.",
            "parameters": "Barème en cinq tranches.",
            "operations": "Calcul et lecture du barème.",
            "appeal_procedure": "Recours gracieux.",
            "cost": f"{1000 + n % 50_000} € par an",
        }

    def make(n: int, organisation, versions: int) -> tuple:
        code = codes[organisation.pk]
        counters[code] = counters.get(code, 0) + 1
        record = Record(
            public_id=f"CIA-{code}-{counters[code]:04d}",
            organisation=organisation,
            status="published",
            published_at=now,
            is_demo=True,
            **{k: v for k, v in fields(n, versions).items() if k != "next_review"},
        )
        return record, versions

    batch = 1000
    made = 0
    with transaction.atomic():
        plan = [make(n, rng.choice(organisations), VERSIONS) for n in range(total)]
        plan.append(make(total, organisations[0], HISTORY_VERSIONS))
        for start in range(0, len(plan), batch):
            chunk = plan[start : start + batch]
            Record.objects.bulk_create([record for record, _v in chunk])
            versions = []
            for record, count in chunk:
                n = int(record.name.rsplit(" ", 1)[1])
                for number in range(1, count + 1):
                    values = fields(n, number)
                    snap = {
                        "schema_version": 1,
                        "public_id": record.public_id,
                        "organisation": {
                            "name": record.organisation.name,
                            "slug": record.organisation.slug,
                            "kind": record.organisation.kind,
                            "siren": record.organisation.siren or None,
                            "insee": getattr(record.organisation.commune, "insee_code", None)
                            if record.organisation.commune_id
                            else None,
                        },
                        "fields": {name: values.get(name) for name in schema.FIELDS},
                        "withheld": {},
                        "solution": None,
                        "ai_act": None,
                    }
                    versions.append(
                        RecordVersion(
                            record=record,
                            number=number,
                            schema_version=1,
                            status="published",
                            snapshot=snap,
                            note=f"Version {number}",
                            published_at=now
                            - (count - number) * (now - now.replace(year=2025)) / count,
                            is_current=number == count,
                            organisation=record.organisation,
                            name=values["name"],
                            theme=values["theme"],
                            decision_type=values["decision_type"],
                            personal_data="personal",
                            technique=values["technique"],
                        )
                    )
            RecordVersion.objects.bulk_create(versions, batch_size=2000)
            made += len(chunk)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE registry_record SET current_version_id = (SELECT v.id FROM "
                "registry_recordversion v WHERE v.record_id = registry_record.id AND v.is_current)"
            )
        PublicIdSequence.objects.bulk_create(
            [PublicIdSequence(code=code, last_number=n) for code, n in counters.items()]
        )
    generated = time.perf_counter() - started
    started = time.perf_counter()
    indexed = search.reindex(RecordVersion)
    if connection.vendor == "postgresql":
        # Fresh statistics for every table, as autovacuum would give after a bulk load:
        # without them the planner takes 50,000 records for one row.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    history = Record.objects.get(name=f"Algorithme {WORDS[total % len(WORDS)]} {total}")
    return {
        "records": made,
        "versions": RecordVersion.objects.count(),
        "indexed": indexed,
        "generate_s": round(generated, 1),
        "index_s": round(time.perf_counter() - started, 1),
        "history_record": history.public_id,
    }


def step(name: str, scale: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeia.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    result = generate(scale)
    result["vendor"] = connection.vendor
    print(json.dumps(result))


# --- HTTP measurements ---------------------------------------------------------------------


def http_get(path: str, timeout: float = 120) -> tuple[int, int]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        return response.status, size
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def load(path: str, *, unique: bool = False) -> dict:
    """USERS threads requesting `path` in a loop for DURATION seconds; `unique`: each
    request adds `&n=<counter>`, a search nobody made before (results cache missed)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + DURATION
    counter = itertools.count()

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                target = f"{path}&n={next(counter)}" if unique else path
            started = time.perf_counter()
            try:
                status, _size = http_get(target, timeout=30)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / DURATION, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000) if latencies else None,
    }


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    with contextlib.suppress(OSError):
        return [int(pid) for pid in children.read_text().split()]
    return []


def export_csv(master: int) -> dict:
    pids = workers(master)
    before = max((rss_mb(pid) for pid in pids), default=0.0)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max([peak[0], *(rss_mb(pid) for pid in pids)])
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    status, size = http_get("/registre/?format=csv", timeout=1800)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return {
        "status": status,
        "seconds": round(elapsed, 1),
        "megabytes": round(size / 1_000_000, 1),
        "rss_before_mb": round(before),
        "rss_peak_mb": round(peak[0]),
    }


def median_ms(path: str, count: int = 20, *, unique: bool = False) -> int:
    times = []
    for i in range(count):
        started = time.perf_counter()
        status, _size = http_get(f"{path}&u={i}" if unique else path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000)


def wait_until_serving(server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (code {server.returncode}); see {log}")
        with contextlib.suppress(OSError):
            if http_get("/healthz")[0] in (200, 503):
                return
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer on {HOST}:{PORT} within 60 s")


def serve_and_measure(
    database: str, env: dict[str, str], history_id: str, *, cached: bool = True
) -> dict:
    """Serve and measure. `cached`: one URL repeated, served from each worker's results
    cache; otherwise every request a new search (the same filters, a new parameter), its
    results computed (the filter lists stay cached: they do not depend on the search)."""
    log = OUT / f"registry-{database}-gunicorn{'' if cached else '-computed'}.log"
    with log.open("w") as server_log:
        server = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(VENV_BIN / "gunicorn"),
                "citeia.wsgi:application",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(WEB_WORKERS),
                "--timeout",
                "1800",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(server, log)
            for _ in range(WEB_WORKERS * 2):
                http_get(SEARCH)
            one_client = median_ms(SEARCH, 10, unique=not cached)
            if not cached:
                return {"search_1_client_ms": one_client, "search": load(SEARCH, unique=True)}
            return {
                "search_1_client_ms": one_client,
                "search": load(SEARCH),
                "csv": export_csv(server.pid),
                "history_ms": median_ms(f"/registre/fiches/{history_id}/historique/"),
                "diff_ms": median_ms(f"/registre/fiches/{history_id}/comparer/?de=1&a=50"),
            }
        finally:
            server.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=30)
            if server.poll() is None:
                server.kill()


# --- Orchestration -----------------------------------------------------------------------


def database_url(database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{SQLITE_FILE}"
    return f"{POSTGRES_SERVER.rstrip('/')}/{POSTGRES_DB}"


def postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def drop(database: str) -> None:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")


def run_database(database: str, args: argparse.Namespace, base_env: dict[str, str]) -> dict:
    env = {**base_env, "DATABASE_URL": database_url(database), "CITEIA_VAR_DIR": str(VAR_DIR)}
    print(f"\n== {database} ({database_url(database)})", flush=True)
    saved = OUT / f"registry-{database}-generated.json"
    if args.reuse and saved.exists():
        data = json.loads(saved.read_text())
        print(f"   reused: {data}", flush=True)
        return measure_all(database, env, data, args)
    drop(database)
    if database == "postgresql":
        postgres(f"CREATE DATABASE {POSTGRES_DB}")
    try:
        for command in (
            ["migrate", "--no-input", "-v", "0"],
            ["createcachetable"],
            ["collectstatic", "--no-input", "-v", "0"],
        ):
            subprocess.run(  # noqa: S603 - our own command
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
            )
        completed = subprocess.run(  # noqa: S603 - our own command
            [sys.executable, __file__, "--step", "generate", "--scale", str(args.scale)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        data = json.loads(completed.stdout.strip().splitlines()[-1])
        saved.write_text(json.dumps(data))
        print(f"   generated: {data}", flush=True)
        return measure_all(database, env, data, args)
    finally:
        if not args.keep:
            drop(database)
            saved.unlink(missing_ok=True)


def measure_all(database: str, env: dict[str, str], data: dict, args) -> dict:
    data["http"] = serve_and_measure(database, env, data["history_record"])
    print(f"   measured (cached): {data['http']}", flush=True)
    data["computed"] = serve_and_measure(database, env, data["history_record"], cached=False)
    print(f"   measured (computed): {data['computed']}", flush=True)
    data["load"] = os.getloadavg()
    return data


def report(results: dict[str, dict], scale: float) -> str:
    lines = [
        MARKER_START,
        "### Figures of the last run (rewritten by `bench/registry.py`)",
        "",
        f"`bench/registry.py` — scale {scale:g}: {int(RECORDS * scale):,} records × {VERSIONS} "
        f"versions, one record with {HISTORY_VERSIONS} versions; gunicorn {WEB_WORKERS} sync "
        f"workers, DEBUG off; {USERS} concurrent clients for {DURATION:g} s.",
        "",
        "Search: `" + SEARCH + "`. *Cached*: the default settings, each worker computes the "
        "page once, then serves it from its per-process cache keyed by the register's version "
        "(the clients repeat one URL: the best case). *Computed*: every request a search nobody "
        "made (the same filters plus `&n=<counter>`), its results computed; the filter lists "
        "(organisations, risk classes), the same for every search, stay cached. *1 client*: median of 10 sequential requests "
        "before the load.",
        "",
        "| database | search cached, 1 client | search cached, 20 clients: p50 / p95 (req/s) | "
        "search computed, 1 client | search computed, 20 clients: p50 / p95 (req/s) | "
        "CSV export: time, size | worker RSS before → peak | history page (50 versions) | "
        "diff v1→v50 | load avg after |",
        "| --- | --: | --- | --: | --- | --- | --- | --: | --: | --- |",
    ]
    for database, data in results.items():
        http_data, computed = data["http"], data["computed"]
        search, csv, slow = http_data["search"], http_data["csv"], computed["search"]
        load = ", ".join(f"{value:.1f}" for value in data["load"])
        lines.append(
            f"| {database} | {http_data['search_1_client_ms']} ms | {search['p50_ms']} ms / "
            f"{search['p95_ms']} ms ({search['rps']}) | {computed['search_1_client_ms']} ms | "
            f"{slow['p50_ms']} ms / {slow['p95_ms']} ms ({slow['rps']}) | "
            f"{csv['seconds']} s, {csv['megabytes']} MB | {csv['rss_before_mb']} → "
            f"{csv['rss_peak_mb']} MB | {http_data['history_ms']} ms | {http_data['diff_ms']} ms "
            f"| {load} |"
        )
    lines += [
        "",
        "Targets: search p95 < 150 ms on PostgreSQL; CSV export memory flat and < 200 MB "
        "whatever the number of records (the export is streamed from `.iterator()`).",
        MARKER_END,
    ]
    return "\n".join(lines)


def write_report(block: str) -> None:
    path = ROOT / "docs" / "PERFORMANCE.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if MARKER_START in text and MARKER_END in text:
        before, rest = text.split(MARKER_START, 1)
        _old, after = rest.split(MARKER_END, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--step", choices=["generate"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again a database kept with --keep"
    )
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    if args.step:
        step(args.step, args.scale)
        return
    env = dict(os.environ)
    for name in ("CITEIA_TESTING", "DEBUG", "TASKS_BACKEND", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    if not env.get("SECRET_KEY"):
        sys.exit("SECRET_KEY is required.")
    OUT.mkdir(parents=True, exist_ok=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    results = {}
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        results[database] = run_database(database, args, env)
    block = report(results, args.scale)
    print("\n" + block)
    if not args.no_report:
        write_report(block)


if __name__ == "__main__":
    main()
