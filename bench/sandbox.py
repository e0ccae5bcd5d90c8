"""Sandbox benchmark (issue 6): one evaluation at scale, against a plain script.

Generates a table (default 1,000,000 rows × 20 features, two sensitive attributes, fixed
seed) and a binary logistic regression exported to ONNX, then measures, each in its own
process:

1. the sandbox's child process (`python -m citeia.sandbox.child`, what a worker runs, with
   every result section: performance, fairness with bootstrap and intersections, proxies,
   permutation importance, robustness, latency, energy);
2. a plain script computing the same metrics by calling the same libraries directly
   (pandas, onnxruntime, scikit-learn, Fairlearn's MetricFrame and summary functions,
   permutation_importance, CodeCarbon), without the sandbox.

Prints wall time and peak memory (ru_maxrss) of both and their ratio.

    .venv/bin/python bench/sandbox.py                 # 1,000,000 rows (several minutes)
    .venv/bin/python bench/sandbox.py --rows 100000   # try the harness
    .venv/bin/python bench/sandbox.py --sandbox-only  # the sandbox alone (the plain script's
                                                      # MetricFrame takes most of an hour)
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAIN = r"""
import json, sys, time
import numpy as np, pandas as pd, onnxruntime as ort
from sklearn import metrics
from sklearn.inspection import permutation_importance
from fairlearn.metrics import (MetricFrame, count, selection_rate, true_positive_rate,
    false_positive_rate, demographic_parity_difference, demographic_parity_ratio,
    equalized_odds_difference)
from codecarbon import OfflineEmissionsTracker
spec = json.load(open(sys.argv[1]))
frame = pd.read_csv(spec["data"])
features = spec["config"]["features"]
session = ort.InferenceSession(spec["model"], providers=["CPUExecutionProvider"])
def predict(X):
    return session.run(["label"], {"input": X[features].to_numpy(np.float32)})[0].ravel()
y = frame["target"].to_numpy(); p = predict(frame)
proba = session.run(["probabilities"], {"input": frame[features].to_numpy(np.float32)})[0][:, 1]
out = {"accuracy": metrics.accuracy_score(y, p), "f1": metrics.f1_score(y, p),
       "auc": metrics.roc_auc_score(y, proba), "cm": metrics.confusion_matrix(y, p).tolist()}
rng = np.random.default_rng(42)
for cols in (["s1"], ["s2"], ["s1", "s2"]):
    groups = frame[cols].astype(str).agg(" × ".join, axis=1)
    mf = MetricFrame(metrics={"n": count, "sr": selection_rate, "tpr": true_positive_rate,
        "fpr": false_positive_rate, "acc": metrics.accuracy_score}, y_true=y, y_pred=p,
        sensitive_features=groups)
    out[str(cols)] = [mf.by_group.to_dict(), demographic_parity_difference(y, p, sensitive_features=groups),
        demographic_parity_ratio(y, p, sensitive_features=groups),
        equalized_odds_difference(y, p, sensitive_features=groups)]
    for _ in range(20):  # the bootstrap, cut to 20 resamples: MetricFrame is slow
        i = rng.integers(0, len(y), len(y))
        demographic_parity_ratio(y[i], p[i], sensitive_features=groups.to_numpy()[i])
class W:
    def fit(self, X, y): return self
    def predict(self, X): return predict(X)
sample = frame.sample(2000, random_state=42)
permutation_importance(W(), sample[features], sample["target"], n_repeats=5, random_state=42,
    scoring=lambda e, X, t: metrics.accuracy_score(t, e.predict(X)))
t = OfflineEmissionsTracker(country_iso_code="FRA", output_methods=[], log_level="error")
t.start(); predict(frame); t.stop()
print(json.dumps({k: str(v)[:50] for k, v in out.items()}))
"""


def generate(rows: int, directory: Path) -> dict:
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    data = rng.normal(size=(rows, 20)).astype(np.float32)
    frame = pd.DataFrame(data, columns=[f"x{i}" for i in range(20)])
    frame["s1"] = rng.choice(["F", "H"], rows)
    frame["s2"] = rng.choice(["18-29", "30-44", "45-59", "60+"], rows)
    logit = data[:, 0] + 0.5 * data[:, 1] - 0.8 * (frame["s1"] == "F")
    frame["target"] = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    features = [f"x{i}" for i in range(20)]
    model = LogisticRegression(max_iter=500).fit(frame[features][:50_000], frame["target"][:50_000])
    onx = to_onnx(
        model, initial_types=[("input", FloatTensorType([None, 20]))], options={"zipmap": False}
    )
    (directory / "model.onnx").write_bytes(onx.SerializeToString())
    frame.to_csv(directory / "data.csv", index=False)
    return {
        "data": str(directory / "data.csv"),
        "format": "csv",
        "separator": ",",
        "model": str(directory / "model.onnx"),
        "model_format": "onnx",
        "columns": features,
        "classes": [0, 1],
        "config": {
            "task": "binary",
            "target": "target",
            "features": features,
            "positive_label": 1,
            "sensitive": ["s1", "s2"],
        },
    }


def measure(command: list[str], cwd: Path) -> dict:
    began = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    log = cwd / f"{Path(command[-2]).name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and files
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        _pid, status, usage = os.wait4(process.pid, 0)
    output = log.read_text(errors="replace")
    return {
        "seconds": round(time.perf_counter() - began, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "exit": os.waitstatus_to_exitcode(status),
        "tail": output[-500:],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--sandbox-only", action="store_true", help="skip the plain script (slow: MetricFrame)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        spec = generate(args.rows, work)
        (work / "spec.json").write_text(json.dumps(spec))
        (work / "plain.py").write_text(PLAIN)
        sandbox = measure(
            [sys.executable, "-m", "citeia.sandbox.child", str(work / "spec.json")], work
        )
        if sandbox["exit"] != 0 or not (work / "results.json").exists():
            raise SystemExit(f"sandbox run failed: {sandbox}")
        timings = json.loads((work / "results.json").read_text())["timings_s"]
        plain = (
            {"seconds": float("nan"), "peak_mb": float("nan"), "exit": 0}
            if args.sandbox_only
            else measure([sys.executable, str(work / "plain.py"), str(work / "spec.json")], work)
        )
        if plain["exit"] != 0:
            raise SystemExit(f"plain script failed: {plain}")
    print(f"### Sandbox evaluation, {args.rows:,} rows × 20 features, two sensitive attributes\n")
    print("| | wall time (s) | peak memory (MB) |")
    print("| --- | ---: | ---: |")
    print(f"| sandbox child (all sections) | {sandbox['seconds']} | {sandbox['peak_mb']} |")
    print(f"| plain script (same libraries) | {plain['seconds']} | {plain['peak_mb']} |")
    print(
        f"| ratio | {sandbox['seconds'] / plain['seconds']:.2f} | {sandbox['peak_mb'] / plain['peak_mb']:.2f} |"
    )
    print(f"\nSandbox time per section (s): {json.dumps(timings)}")


if __name__ == "__main__":
    main()
