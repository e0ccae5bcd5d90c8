"""The run's child process: `python -m citeia.sandbox.child spec.json` (no Django).

It starts with the network closed, reads the table and the model named in the spec,
evaluates, and writes `results.json` or `error.json` in its working directory. Its
limits (memory, CPU time) are set by the parent before it starts (see runner.py).
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

EXIT_INPUT = 2
EXIT_MEMORY = 3


def close_network() -> None:
    """No connection leaves the child: sockets other than Unix ones cannot be created."""
    original = socket.socket

    class NoNetworkSocket(original):  # type: ignore[misc, valid-type]
        def __init__(self, family: Any = -1, *args: Any, **kwargs: Any) -> None:
            if family in (socket.AF_INET, socket.AF_INET6, -1):
                raise PermissionError("Accès réseau interdit dans le bac à sable.")
            super().__init__(family, *args, **kwargs)

    socket.socket = NoNetworkSocket  # type: ignore[misc]

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Accès réseau interdit dans le bac à sable.")

    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


def _write(name: str, payload: dict[str, Any]) -> None:
    Path(name).write_text(json.dumps(payload, default=str))


def main(spec_path: str) -> int:
    close_network()
    spec = json.loads(Path(spec_path).read_text())
    from .evaluation import EvaluationConfig, EvaluationError, evaluate
    from .ingest import read_frame
    from .loaders import ModelRefused, load_predictor

    def progress(step: str) -> None:
        Path("progress.txt").write_text(step)

    try:
        frame = read_frame(Path(spec["data"]), spec["format"], spec["separator"])
        predictor = load_predictor(
            Path(spec["model"]), spec["model_format"], spec["columns"], spec["classes"]
        )
        config = EvaluationConfig(**spec["config"])
        results = evaluate(frame, predictor, config, progress=progress)
    except (EvaluationError, ModelRefused) as exc:
        _write("error.json", {"kind": "input", "reason": str(exc)})
        return EXIT_INPUT
    except MemoryError as exc:
        _write("error.json", {"kind": "memory", "reason": str(exc)[:300]})
        return EXIT_MEMORY
    _write("results.json", results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
