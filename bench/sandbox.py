"""Sandbox benchmark (issue 6): one evaluation at scale, against a plain script.

Generates a table (default 1,000,000 rows × 20 features, two sensitive attributes, fixed
seed) and a binary logistic regression exported to ONNX, then measures, each in its own
process:

1. the sandbox's child process (`python -m citeia.sandbox.child`, what a worker runs, with
   every result section: performance, fairness with bootstrap and intersections, proxies,
   permutation importance, robustness, latency, energy);
2. a plain script computing the same sections with the same parameters and sample sizes
   by calling the libraries directly (pandas, onnxruntime, scikit-learn metrics,
   Fairlearn's MetricFrame and summary functions, the 200-resample bootstrap with NumPy,
   permutation_importance, CodeCarbon), without the sandbox: no child process, limits,
   checks, findings or JSON document.

Prints wall time and peak memory (ru_maxrss) of both and their ratio.

    .venv/bin/python bench/sandbox.py                 # 1,000,000 rows (several minutes)
    .venv/bin/python bench/sandbox.py --rows 100000   # try the harness
    .venv/bin/python bench/sandbox.py --sandbox-only  # the sandbox alone
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
# The same sections, parameters and sample sizes as the sandbox's defaults
# (citeia/sandbox/evaluation/config.py), written directly against the libraries.
import json, sys, time
import numpy as np, pandas as pd, onnxruntime as ort
from sklearn import metrics
from sklearn.inspection import permutation_importance
from fairlearn.metrics import (MetricFrame, count, selection_rate, true_positive_rate,
    false_positive_rate, demographic_parity_difference, demographic_parity_ratio,
    equalized_odds_difference)
from codecarbon import OfflineEmissionsTracker
spec = json.load(open(sys.argv[1])); cfg = spec["config"]; features = cfg["features"]
T = {}; t0 = time.perf_counter()
def lap(name):
    global t0
    T[name] = round(time.perf_counter() - t0, 2); t0 = time.perf_counter()
SEED, N_BOOT, EXPLAIN_ROWS, PROXY_ROWS = 42, 200, 2000, 100_000
frame = pd.read_csv(spec["data"])
session = ort.InferenceSession(spec["model"], providers=["CPUExecutionProvider"])
def predict(X):
    return session.run(["label"], {"input": X[features].to_numpy(np.float32)})[0].ravel()
y = frame["target"].to_numpy(); p = predict(frame)
proba = session.run(["probabilities"], {"input": frame[features].to_numpy(np.float32)})[0][:, 1]
out = {"performance": {"accuracy": metrics.accuracy_score(y, p),
    "balanced_accuracy": metrics.balanced_accuracy_score(y, p),
    "precision": metrics.precision_score(y, p), "recall": metrics.recall_score(y, p),
    "f1": metrics.f1_score(y, p), "roc_auc": metrics.roc_auc_score(y, proba),
    "confusion": metrics.confusion_matrix(y, p).tolist()}}
lap("load, prediction, performance")
# Fairness: Fairlearn for the values per group and the summaries; the 200-resample
# bootstrap of the summaries with NumPy (Fairlearn's functions take seconds per call at
# this size: 600 resamples would take hours).
def summaries(yt, yp, codes, n):
    c = np.bincount(codes, minlength=n).astype(float)
    pos = np.bincount(codes, weights=yt, minlength=n); sel = np.bincount(codes, weights=yp, minlength=n)
    tp = np.bincount(codes, weights=yt * yp, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        sr, tpr, fpr = sel / c, np.nan_to_num(tp / pos), np.nan_to_num((sel - tp) / (c - pos))
    return sr.max() - sr.min(), sr.min() / sr.max(), max(tpr.max() - tpr.min(), fpr.max() - fpr.min())
rng = np.random.default_rng(SEED); T["fairness: MetricFrame and summaries"] = 0.0
T["fairness: bootstrap"] = 0.0
for cols in (["s1"], ["s2"], ["s1", "s2"]):
    groups = frame[cols[0]].astype(str) if len(cols) == 1 else frame[cols[0]].astype(str) + " × " + frame[cols[1]].astype(str)
    mf = MetricFrame(metrics={"n": count, "sr": selection_rate, "tpr": true_positive_rate,
        "fpr": false_positive_rate, "acc": metrics.accuracy_score}, y_true=y, y_pred=p,
        sensitive_features=groups)
    summary = (demographic_parity_difference(y, p, sensitive_features=groups),
        demographic_parity_ratio(y, p, sensitive_features=groups),
        equalized_odds_difference(y, p, sensitive_features=groups))
    T["fairness: MetricFrame and summaries"] += round(time.perf_counter() - t0, 2); t0 = time.perf_counter()
    codes, labels = pd.factorize(groups)
    boot = [summaries(y[i], p[i], codes[i], len(labels))
            for i in (rng.integers(0, len(y), len(y)) for _ in range(N_BOOT))]
    out[" × ".join(cols)] = {"by_group": mf.by_group.to_dict(), "summary": summary,
        "ci": np.quantile(np.asarray(boot), [0.025, 0.975], axis=0).tolist()}
    T["fairness: bootstrap"] += round(time.perf_counter() - t0, 2); t0 = time.perf_counter()
# Proxies: association of each feature with each sensitive attribute on 100,000 rows.
sample = frame.sample(n=min(PROXY_ROWS, len(frame)), random_state=SEED)
for attribute in ("s1", "s2"):
    eta = {}
    for f in features:
        v = sample[f].astype(float); g = v.groupby(sample[attribute])
        eta[f] = float(np.sqrt((g.count() * (g.mean() - v.mean()) ** 2).sum() / ((v - v.mean()) ** 2).sum()))
    out["proxies " + attribute] = max(eta.values())
lap("proxies")
# Permutation importance on 2,000 rows, 5 repeats.
class W:
    def fit(self, X, t): return self
    def predict(self, X): return predict(X)
small = frame.sample(EXPLAIN_ROWS, random_state=SEED)
permutation_importance(W(), small[features], small["target"].to_numpy(), n_repeats=5,
    random_state=SEED, scoring=lambda e, X, t: float(np.mean(e.predict(X) == t)))
lap("permutation importance")
# Robustness on 10,000 rows: noise (3 levels), missing values (2 levels).
rob = frame.sample(EXPLAIN_ROWS * 5, random_state=SEED); ry = rob["target"].to_numpy()
for level in (0.05, 0.1, 0.2):
    r = np.random.default_rng(SEED); X = rob[features].copy()
    for f in features:
        X[f] = X[f] + r.normal(0, level * X[f].std(), len(X))
    out[f"noise {level}"] = float(np.mean(predict(X) == ry))
for level in (0.05, 0.1):
    r = np.random.default_rng(SEED); X = rob[features].copy()
    for f in features:
        X[f] = X[f].mask(r.random(len(X)) < level)
    out[f"missing {level}"] = float(np.mean(predict(X) == ry))
# Latency: 20 batches of 256 rows.
r = np.random.default_rng(SEED); times = []
for _ in range(20):
    start = int(r.integers(0, len(frame) - 256)); began = time.perf_counter()
    predict(frame.iloc[start:start + 256]); times.append((time.perf_counter() - began) / 256)
out["latency p95"] = float(np.percentile(times, 95))
lap("robustness and latency")
# Energy: CodeCarbon offline for France, 1 s idle, then predictions for at least 1 s.
def tracked(work):
    t = OfflineEmissionsTracker(country_iso_code="FRA", output_methods=[], log_level="error",
        pue=1.46, force_carbon_intensity_g_co2e_kwh=56.0, measure_power_secs=1)
    t.start(); began = time.perf_counter(); work(); t.stop()
    return t.final_emissions_data.energy_consumed, time.perf_counter() - began
idle = tracked(lambda: time.sleep(1.0))
def work():
    began = time.perf_counter()
    while time.perf_counter() - began < 1.0:
        predict(frame)
out["energy"] = tracked(work)
lap("energy")
print(json.dumps({k: str(v)[:60] for k, v in out.items()}))
print("PLAIN_TIMINGS " + json.dumps(T))
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
    parser.add_argument("--sandbox-only", action="store_true", help="skip the plain script")
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
    plain_timings = [
        line for line in plain.get("tail", "").splitlines() if line.startswith("PLAIN_TIMINGS ")
    ]
    if plain_timings:
        print(f"\nPlain script time per section (s): {plain_timings[-1].split(' ', 1)[1]}")


if __name__ == "__main__":
    main()
