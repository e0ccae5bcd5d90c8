"""Runs an evaluation in a child process with limits on memory, CPU time and wall time.

The worker's task calls :func:`run_execute`. Whatever the child does — finish, fail on
its input, exhaust its memory, loop forever, crash — the run ends with a status and a
reason, and the worker goes on with the next task.
"""

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import storage
from .child import EXIT_INPUT, EXIT_MEMORY
from .models import Run, RunStatus
from .services import run_fail, run_mark

POLL_SECONDS = 0.1


def _limits(memory_mb: int, cpu_seconds: int):
    def apply() -> None:
        os.setsid()  # its own process group: killed as a whole
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _environment(work: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "TMPDIR": str(work),
        "PYTHONPATH": str(settings.BASE_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
        "CODECARBON_LOG_LEVEL": "error",
    }


def spawn(spec: dict, work: Path, *, memory_mb: int, cpu_seconds: int, wall_seconds: int) -> dict:
    """Run the child on `spec`; returns {"status", "results"|"reason", "peak_memory_mb"}."""
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec))
    with (work / "child.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own module, no shell
            [sys.executable, "-m", "citeia.sandbox.child", str(spec_path)],
            cwd=work,
            env=_environment(work),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_limits(memory_mb, cpu_seconds),
        )
    deadline = time.monotonic() + wall_seconds
    status = None
    usage = None
    timed_out = False
    high_water_kb = 0
    while status is None:
        high_water_kb = max(high_water_kb, _high_water_kb(process.pid))
        pid, raw_status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            status = raw_status
            break
        if time.monotonic() > deadline:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            _pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(POLL_SECONDS)
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss starts from the parent's size at fork on Linux: the child's own high-water
    # mark, read from /proc while it runs, is the better figure when available.
    peak_kb = high_water_kb or (usage.ru_maxrss if usage else 0)
    peak = round(peak_kb / 1024, 1) if peak_kb else None
    outcome = {"peak_memory_mb": peak}
    code = process.returncode
    log_tail = (work / "child.log").read_text(errors="replace")[-2000:]
    if timed_out:
        outcome.update(
            status="failed",
            reason=_("Durée maximale dépassée : l'évaluation a été arrêtée après %(s)s secondes.")
            % {"s": wall_seconds},
        )
    elif code == 0 and (work / "results.json").exists():
        outcome.update(status="succeeded", results=json.loads((work / "results.json").read_text()))
    elif code in (EXIT_INPUT, EXIT_MEMORY) and (work / "error.json").exists():
        error = json.loads((work / "error.json").read_text())
        if error["kind"] == "memory":
            reason = _(
                "Mémoire maximale dépassée (%(mb)s Mo) : le modèle ou les données demandent plus de mémoire que la limite du bac à sable."
            ) % {"mb": memory_mb}
        else:
            reason = error["reason"]
        outcome.update(status="failed", reason=reason)
    elif code == -signal.SIGXCPU or (code == -signal.SIGKILL and not timed_out):
        outcome.update(
            status="failed",
            reason=_("Temps de calcul maximal dépassé (%(s)s secondes de processeur).")
            % {"s": cpu_seconds},
        )
    elif "MemoryError" in log_tail or "bad_alloc" in log_tail or "std::bad_alloc" in log_tail:
        outcome.update(
            status="failed",
            reason=_(
                "Mémoire maximale dépassée (%(mb)s Mo) : le modèle ou les données demandent plus de mémoire que la limite du bac à sable."
            )
            % {"mb": memory_mb},
        )
    else:
        last_line = log_tail.strip().splitlines()[-1:] or [""]
        outcome.update(
            status="failed",
            reason=_(
                "Le processus d'évaluation s'est arrêté anormalement (code %(code)s) : %(line)s"
            )
            % {"code": code, "line": last_line[0][:300]},
        )
    return outcome


def _high_water_kb(pid: int) -> int:
    """The process's peak resident memory (VmHWM, kB), or 0 when unreadable."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


def build_spec(run: Run, data_path: Path) -> dict:
    config = dict(run.config)
    task = config.pop("task")
    return {
        "data": str(data_path),
        "format": run.dataset.format,
        "separator": run.dataset.csv_separator,
        "model": str(run.model.path),
        "model_format": run.model.format,
        "columns": run.model.input_columns,
        "classes": run.model.classes,
        "config": {
            "task": task,
            "target": config["target"],
            "features": config["features"],
            "positive_label": config.get("positive_label") or None,
            "sensitive": config.get("sensitive", []),
            "control": config.get("control", []),
            "sections": config.get("sections"),
            **config.get("engine", {}),
        },
    }


def run_execute(*, run_id: int) -> str:
    run = Run.objects.select_related("dataset", "model").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run.status
    run_mark(run_id, status=RunStatus.RUNNING, started_at=timezone.now())
    if not run.dataset.available:
        run_fail(run_id, _("Le fichier du jeu de données a été supprimé."))
        return RunStatus.FAILED
    work = storage.temp_dir()
    try:
        data_path = storage.plaintext(run.dataset, work)
        spec = build_spec(run, data_path)
        if spec["config"]["sections"] is None:
            spec["config"].pop("sections")
        limits = run.config.get("limits", {})
        outcome = spawn(
            spec,
            work,
            memory_mb=limits.get("memory_mb", settings.SANDBOX_RUN_MEMORY_MB),
            cpu_seconds=limits.get("cpu_seconds", settings.SANDBOX_RUN_CPU_SECONDS),
            wall_seconds=limits.get("wall_seconds", settings.SANDBOX_RUN_WALL_SECONDS),
        )
    except Exception as exc:  # the worker goes on: the run carries the reason
        run_fail(run_id, _("Erreur interne du bac à sable : %(e)s") % {"e": str(exc)[:300]})
        return RunStatus.FAILED
    finally:
        storage.remove(work)
    if outcome["status"] == "succeeded":
        run_mark(
            run_id,
            status=RunStatus.SUCCEEDED,
            results=outcome["results"],
            peak_memory_mb=outcome["peak_memory_mb"],
            finished_at=timezone.now(),
        )
        return RunStatus.SUCCEEDED
    run_mark(run_id, peak_memory_mb=outcome["peak_memory_mb"])
    run_fail(run_id, outcome["reason"])
    return RunStatus.FAILED
