"""Sandbox throughput (issue 6): small evaluation runs per hour with two workers on PostgreSQL.

In a database of its own (`citeia_bench_sandbox` on BENCH_POSTGRES_URL, created afresh
and dropped at the end unless --keep):

1. `manage.py migrate` (reference data: communes, organisations);
2. an editor of Montreuil uploads, through the sandbox's services, the demo's synthetic
   eligibility table cut to --rows rows (default 2,000; personal, so encrypted at rest)
   and its two models (ONNX and skops), then queues --runs runs (default 40), alternating
   the models, every result section on, two sensitive attributes;
3. starts two `manage.py run_worker` processes at once (the database task backend) and
   waits until every run has finished; each worker runs each evaluation in its limited
   child process, as in production.

Prints the wall time from the workers' start to the last run's end, runs per hour, the
median and p95 of each run's own duration (started → finished), and any failure.

    SECRET_KEY=… CITEIA_SANDBOX_KEY=… .venv/bin/python bench/sandbox_throughput.py
    ... --runs 10 --rows 500       try the harness
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "citeia_bench_sandbox"
WORKERS = 2
TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


def psql(statement: str) -> None:
    subprocess.run(  # noqa: S603 - our own statement
        [
            sys.executable,
            "-c",
            "import sys, psycopg; c = psycopg.connect(sys.argv[1], autocommit=True); "
            "c.execute(sys.argv[2])",
            f"{POSTGRES_SERVER}/postgres",
            statement,
        ],
        check=True,
    )


def queue(rows: int, runs: int) -> dict:
    """Step run in a child process with the bench's environment: data, models, runs."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeia.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citeia.accounts.models import Membership, Organisation, User
    from citeia.sandbox import demo_data, services

    organisation = Organisation.objects.get(slug="montreuil")
    user = User.objects.create_user(email="bench.sandbox@example.org", password=None)
    Membership.objects.create(user=user, organisation=organisation, role="editor", status="active")
    files = demo_data.build(rows)
    dataset = services.dataset_upload(
        user=user,
        organisation=organisation,
        name="Bench",
        upload=SimpleUploadedFile("bench.csv", files["dataset.csv"]),
        sensitivity="personal",
    )
    roles = {"decision": "target", "sexe": "sensitive", "tranche_age": "sensitive"}
    services.dataset_update(
        user=user,
        dataset=dataset,
        schema_changes={name: {"role": role} for name, role in roles.items()},
    )
    models = [
        services.model_upload(
            user=user,
            organisation=organisation,
            name="Bench ONNX",
            upload=SimpleUploadedFile("a.onnx", files["model_a.onnx"]),
            fmt="onnx",
            task="binary",
            classes=[0, 1],
        ),
        services.model_upload(
            user=user,
            organisation=organisation,
            name="Bench skops",
            upload=SimpleUploadedFile("b.skops", files["model_b.skops"]),
            fmt="skops",
            task="binary",
        ),
    ]
    for i in range(runs):
        services.run_create(
            user=user,
            dataset=dataset,
            model=models[i % 2],
            target="decision",
            positive_label="1",
            sensitive=["sexe", "tranche_age"],
        )
    return {"rows": rows, "runs": runs}


def progress() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeia.settings")
    import django

    django.setup()
    from citeia.sandbox.models import Run

    runs = list(Run.objects.values("status", "started_at", "finished_at", "failure_reason"))
    done = [r for r in runs if r["finished_at"]]
    return {
        "total": len(runs),
        "done": len(done),
        "failed": [r["failure_reason"][:120] for r in done if r["status"] != "succeeded"],
        "durations": [(r["finished_at"] - r["started_at"]).total_seconds() for r in done],
        "last_end": max((r["finished_at"].timestamp() for r in done), default=None),
    }


def step(name: str, env: dict, *args: str) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--step", name, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--step", choices=["queue", "progress"])
    args = parser.parse_args()
    if args.step == "queue":
        print(json.dumps(queue(args.rows, args.runs)))
        return
    if args.step == "progress":
        print(json.dumps(progress()))
        return
    for name in ("SECRET_KEY", "CITEIA_SANDBOX_KEY"):
        if not os.environ.get(name):
            sys.exit(f"{name} is required.")
    sandbox_dir = Path(tempfile.mkdtemp(prefix="citeia-bench-sandbox-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CITEIA_TESTING", "DEBUG")},
        "DATABASE_URL": f"{POSTGRES_SERVER}/{DATABASE}",
        "TASKS_BACKEND": TASKS_BACKEND,
        "CITEIA_SANDBOX_DIR": str(sandbox_dir),
        "PYTHONPATH": str(ROOT),
    }
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    workers: list[subprocess.Popen] = []
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        queued = step("queue", env, "--rows", str(args.rows), "--runs", str(args.runs))
        # The upload queued a personal-data scan too: it is part of the work measured.
        began = time.time()
        for i in range(WORKERS):
            log = (sandbox_dir / f"worker-{i}.log").open("wb")
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "run_worker",
                        "--no-reload",
                        "--no-startup-delay",
                        "--interval",
                        "0.2",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            state = step("progress", env)
            if state["done"] >= state["total"]:
                break
            if any(worker.poll() is not None for worker in workers):
                sys.exit("a worker stopped: see " + str(sandbox_dir))
            time.sleep(2)
        else:
            sys.exit("the runs did not finish within an hour")
        elapsed = state["last_end"] - began
        durations = sorted(state["durations"])
        p95 = durations[min(len(durations) - 1, round(0.95 * (len(durations) - 1)))]
        load = os.getloadavg()
        print(f"### Sandbox throughput, {WORKERS} workers, PostgreSQL\n")
        print(
            f"{queued['runs']} runs of {queued['rows']:,} rows (every section, two sensitive "
            f"attributes, ONNX and skops alternately) finished in {elapsed:.0f} s: "
            f"**{queued['runs'] / elapsed * 3600:.0f} runs per hour**; one run took "
            f"{statistics.median(durations):.1f} s (median) and {p95:.1f} s (p95) from start to "
            f"end; failures: {len(state['failed'])} {state['failed'] or ''}. "
            f"Load average at the end: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}."
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=30)
            if worker.poll() is None:
                worker.kill()
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {DATABASE}")
            shutil.rmtree(sandbox_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
