"""Latency per row in batch, and energy with CodeCarbon's offline tracker (France)."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from .config import EvaluationConfig, Predictor


def latency(predictor: Predictor, X: pd.DataFrame, config: EvaluationConfig) -> dict[str, Any]:
    batch = min(config.latency_batch, len(X))
    rng = np.random.default_rng(config.seed)
    per_row = []
    predictor.predict(X.iloc[:batch])  # warm-up: first calls allocate
    for _ in range(config.latency_batches):
        start = int(rng.integers(0, max(1, len(X) - batch + 1)))
        chunk = X.iloc[start : start + batch]
        began = time.perf_counter()
        predictor.predict(chunk)
        per_row.append((time.perf_counter() - began) / len(chunk))
    values = np.asarray(per_row) * 1000.0
    return {
        "unit": "ms",
        "batch_size": int(batch),
        "batches": int(config.latency_batches),
        "p50_ms_per_row": round(float(np.percentile(values, 50)), 6),
        "p95_ms_per_row": round(float(np.percentile(values, 95)), 6),
    }


def _tracker(config: EvaluationConfig) -> Any:
    from codecarbon import OfflineEmissionsTracker

    return OfflineEmissionsTracker(
        country_iso_code="FRA",
        output_methods=[],
        log_level="error",
        pue=config.pue,
        force_carbon_intensity_g_co2e_kwh=config.carbon_intensity,
        measure_power_secs=1,
        allow_multiple_runs=True,
    )


def _measure(config: EvaluationConfig, work: Any) -> tuple[float, float, Any]:
    """(kWh, seconds, tracker) of running `work()`; checks the tracker really measured."""
    tracker = _tracker(config)
    tracker.start()
    began = time.perf_counter()
    try:
        work()
    finally:
        tracker.stop()
    seconds = time.perf_counter() - began
    data = tracker.final_emissions_data
    if data is None or data.energy_consumed is None:
        raise RuntimeError("CodeCarbon n'a rien mesuré.")
    return float(data.energy_consumed), seconds, tracker


def _method(tracker: Any) -> str:
    for hardware in getattr(tracker, "_hardware", []):
        mode = str(getattr(hardware, "_mode", "") or "")
        if "rapl" in mode.lower():
            return "rapl"
    return "estimated"


def energy(predictor: Predictor, X: pd.DataFrame, config: EvaluationConfig) -> dict[str, Any]:
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    idle_kwh, idle_s, _ = _measure(config, lambda: time.sleep(config.idle_seconds))
    idle_power_w = idle_kwh * 3_600_000 / idle_s if idle_s else 0.0
    predictions = 0

    def work() -> None:
        nonlocal predictions
        began = time.perf_counter()
        while True:
            predictor.predict(X)
            predictions += len(X)
            if time.perf_counter() - began >= config.energy_min_seconds:
                break

    kwh, seconds, tracker = _measure(config, work)
    net_kwh = max(0.0, kwh - idle_power_w * seconds / 3_600_000)
    per_thousand = net_kwh / predictions * 1000 if predictions else 0.0
    data = tracker.final_emissions_data
    return {
        "tool": "codecarbon",
        "country": "FRA",
        "method": _method(tracker),
        "cpu_model": str(getattr(data, "cpu_model", "") or ""),
        "carbon_intensity_g_per_kwh": config.carbon_intensity,
        "pue": config.pue,
        "duration_s": round(seconds, 4),
        "predictions": int(predictions),
        "kwh": kwh,
        "idle_power_w": round(idle_power_w, 4),
        "idle_kwh_subtracted": idle_power_w * seconds / 3_600_000,
        "net_kwh": net_kwh,
        # CodeCarbon's energy already includes the PUE we forced.
        "g_co2e": kwh * config.carbon_intensity,
        "kwh_per_1000_predictions": per_thousand,
        "g_co2e_per_1000_predictions": per_thousand * config.carbon_intensity,
    }
