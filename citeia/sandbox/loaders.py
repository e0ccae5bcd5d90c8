"""Safe model loading: ONNX (onnxruntime) and skops with an allow-list. Never pickle.

No Django import: the web process inspects uploads with it, the run's child process
loads the model with it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .evaluation.config import EvaluationError, Predictor

# Types that skops does not trust by default but that plain scikit-learn models need.
# Anything else found in a file is refused: loading it could run arbitrary code.
SKOPS_TRUSTED_TYPES = frozenset(
    {
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn._loss.link.Interval",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.IdentityLink",
        "sklearn._loss.link.MultinomialLogit",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.loss.HalfMultinomialLoss",
        "sklearn._loss.loss.HalfSquaredError",
        "sklearn._loss._loss.CyHalfBinomialLoss",
        "sklearn._loss._loss.CyHalfMultinomialLoss",
        "sklearn._loss._loss.CyHalfSquaredError",
    }
)
PICKLE_EXPLANATION = (
    "Ce fichier est un pickle (ou joblib) : le charger exécuterait du code arbitraire "
    "contenu dans le fichier. Le bac à sable n'accepte que les formats sûrs : ONNX, ou skops "
    "pour scikit-learn (skops.io.dump(modele, 'modele.skops'))."
)


class ModelRefused(ValueError):
    """The upload is refused; the message says why, in French."""


def _head(path: Path, size: int = 8) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def looks_like_pickle(head: bytes) -> bool:
    # Protocol 2+ starts with PROTO (0x80); joblib's compressed files with zlib/gzip/xz/lz4 magic;
    # protocol 0/1 pickles start with an opcode such as "(" or "c" then a module path.
    return (
        head[:1] == b"\x80"
        or head[:2] in (b"\x78\x9c", b"\x78\x01", b"\x78\xda", b"\x1f\x8b")
        or head[:6] == b"\xfd7zXZ\x00"
        or head[:4] == b"\x04\x22\x4d\x18"
        or head[:2] in (b"(d", b"(l", b"(i", b"cc", b"cs", b"cn")
    )


# --- ONNX -------------------------------------------------------------------------------


def inspect_onnx(path: Path) -> dict[str, Any]:
    """Check the file is a valid ONNX model and describe its inputs and outputs."""
    head = _head(path)
    if looks_like_pickle(head):
        raise ModelRefused(PICKLE_EXPLANATION)
    if head[:2] == b"PK":
        raise ModelRefused(
            "Ce fichier est une archive ZIP, pas un modèle ONNX (un fichier skops ?). "
            "Choisissez le format correspondant."
        )
    import onnx

    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as exc:
        raise ModelRefused(
            f"Ce fichier n'est pas un modèle ONNX valide (lecture impossible : {str(exc)[:200]})."
        ) from exc
    if not model.graph.input:
        raise ModelRefused("Ce modèle ONNX ne déclare aucune entrée.")
    inputs = []
    for item in model.graph.input:
        tensor = item.type.tensor_type
        dims = [d.dim_value if d.dim_value else None for d in tensor.shape.dim]
        inputs.append(
            {
                "name": item.name,
                "type": onnx.TensorProto.DataType.Name(tensor.elem_type).lower(),
                "shape": dims,
            }
        )
    outputs = [item.name for item in model.graph.output]
    metadata = {prop.key: prop.value for prop in model.metadata_props}
    return {"inputs": inputs, "outputs": outputs, "metadata": metadata}


def onnx_input_columns(info: dict[str, Any], declared: list[str]) -> list[str]:
    """The dataset columns the model reads: one input per column, or one wide tensor
    whose columns the uploader lists in order."""
    inputs = info["inputs"]
    if len(inputs) == 1 and (inputs[0]["shape"][-1:] or [None])[0] not in (None, 1):
        width = inputs[0]["shape"][-1]
        if len(declared) != width:
            raise ModelRefused(
                f"Ce modèle lit un seul tableau de {width} colonnes : indiquez ses {width} "
                f"colonnes d'entrée, dans l'ordre (vous en avez indiqué {len(declared)})."
            )
        return declared
    return [item["name"] for item in inputs]


_ONNX_DTYPES = {
    "tensor(string)": object,
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(bool)": np.bool_,
}


def onnx_predictor(path: Path, columns: list[str], classes: list[Any]) -> Predictor:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    inputs = session.get_inputs()
    outputs = [o.name for o in session.get_outputs()]

    def feed(frame: pd.DataFrame) -> dict[str, np.ndarray]:
        if len(inputs) == 1 and len(columns) > 1:
            dtype = _ONNX_DTYPES.get(inputs[0].type, np.float32)
            return {inputs[0].name: frame[columns].to_numpy(dtype=dtype)}
        data = {}
        for item in inputs:
            dtype = _ONNX_DTYPES.get(item.type, np.float32)
            values = frame[item.name]
            if dtype is object:
                array = values.astype(object).where(values.notna(), "").astype(str).to_numpy()
            else:
                array = values.to_numpy(dtype=dtype)
            data[item.name] = array.reshape(-1, 1)
        return data

    def run(frame: pd.DataFrame) -> list[Any]:
        try:
            return list(session.run(outputs, feed(frame)))
        except MemoryError:
            raise
        except Exception as exc:
            if "alloc" in str(exc).lower():
                raise MemoryError(str(exc)) from exc
            raise

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(run(frame)[0]).ravel()

    def predict_proba(frame: pd.DataFrame) -> np.ndarray:
        probabilities = run(frame)[1]
        if isinstance(probabilities, list):  # ZipMap: one {class: probability} per row
            keys = classes or list(probabilities[0].keys())
            return np.array([[row[k] for k in keys] for row in probabilities])
        return np.asarray(probabilities)

    return Predictor(
        predict=predict,
        predict_proba=predict_proba if len(outputs) > 1 else None,
        classes=tuple(classes),
        kind="onnx",
    )


# --- skops ------------------------------------------------------------------------------


def inspect_skops(path: Path) -> dict[str, Any]:
    head = _head(path)
    if looks_like_pickle(head):
        raise ModelRefused(PICKLE_EXPLANATION)
    if head[:2] != b"PK" or not zipfile.is_zipfile(path):
        raise ModelRefused(
            "Ce fichier n'est pas au format skops (une archive produite par skops.io.dump)."
        )
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=str(path))
    except Exception as exc:
        raise ModelRefused(f"Fichier skops illisible : {str(exc)[:200]}.") from exc
    refused = sorted(set(untrusted) - SKOPS_TRUSTED_TYPES)
    if refused:
        raise ModelRefused(
            "Ce fichier skops contient des types qui ne figurent pas sur la liste des types "
            f"de confiance : {', '.join(refused[:10])}. Le bac à sable ne les charge pas, "
            "car ils pourraient exécuter du code."
        )
    estimator = load_skops(path, untrusted)
    columns = [str(c) for c in getattr(estimator, "feature_names_in_", [])]
    if not columns:
        raise ModelRefused(
            "Ce modèle ne connaît pas le nom de ses colonnes d'entrée : entraînez-le sur un "
            "DataFrame pandas pour que ses entrées soient vérifiées avant une évaluation."
        )
    classes = [c.item() if hasattr(c, "item") else c for c in getattr(estimator, "classes_", [])]
    return {
        "columns": columns,
        "classes": classes,
        "estimator": type(estimator).__name__,
        "untrusted_types_allowed": sorted(untrusted),
    }


def load_skops(path: Path, trusted: list[str] | None = None) -> Any:
    import skops.io as sio

    if trusted is None:
        trusted = sio.get_untrusted_types(file=str(path))
    if set(trusted) - SKOPS_TRUSTED_TYPES:
        raise ModelRefused("Types non autorisés dans le fichier skops.")
    return sio.load(str(path), trusted=list(trusted))


def skops_predictor(path: Path, columns: list[str]) -> Predictor:
    estimator = load_skops(path)

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(estimator.predict(frame[columns]))

    proba = None
    if hasattr(estimator, "predict_proba"):

        def proba(frame: pd.DataFrame) -> np.ndarray:
            return np.asarray(estimator.predict_proba(frame[columns]))

    classes = tuple(
        c.item() if hasattr(c, "item") else c for c in getattr(estimator, "classes_", [])
    )
    return Predictor(
        predict=predict, predict_proba=proba, classes=classes, estimator=estimator, kind="skops"
    )


def load_predictor(path: Path, fmt: str, columns: list[str], classes: list[Any]) -> Predictor:
    if fmt == "onnx":
        return onnx_predictor(path, columns, classes)
    if fmt == "skops":
        return skops_predictor(path, columns)
    raise EvaluationError(f"Format de modèle inconnu : {fmt}.")
