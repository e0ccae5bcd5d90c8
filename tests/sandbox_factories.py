"""Small tables and models for the sandbox tests (trained on the spot, a few hundred rows).

Test modules register this module with `pytest_plugins = ["tests.sandbox_factories"]` for
its fixtures and import its helper functions. PYTEST_DONT_REWRITE
"""

import io

import numpy as np
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

FEATURES = ["sexe", "age", "revenu"]


def benefit_frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A tiny eligibility table where women are selected less often (built-in bias)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sexe": rng.choice(["F", "H"], n),
            "age": rng.integers(18, 80, n),
            "revenu": rng.choice(["bas", "moyen", "haut"], n),
        }
    )
    chance = np.where(frame["revenu"] == "bas", 0.8, 0.2) * np.where(frame["sexe"] == "F", 0.5, 1)
    frame["eligible"] = (rng.random(n) < chance).astype(int)
    return frame


def csv_bytes(frame: pd.DataFrame, sep: str = ",") -> bytes:
    return frame.to_csv(index=False, sep=sep).encode()


def upload(content: bytes, name: str = "donnees.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def train(frame: pd.DataFrame, features=FEATURES, target="eligible", kind="logistic"):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    categorical = [f for f in features if not pd.api.types.is_numeric_dtype(frame[f])]
    estimator = (
        LogisticRegression(max_iter=500)
        if kind == "logistic"
        else DecisionTreeClassifier(max_depth=4, random_state=0)
    )
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), categorical), remainder="passthrough"
        ),
        estimator,
    )
    return model.fit(frame[features], frame[target])


def skops_bytes(model) -> bytes:
    import skops.io as sio

    return sio.dumps(model)


def onnx_bytes(model, frame: pd.DataFrame, features=FEATURES) -> bytes:
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

    types = []
    for name in features:
        if not pd.api.types.is_numeric_dtype(frame[name]):
            types.append((name, StringTensorType([None, 1])))
        elif np.issubdtype(frame[name].dtype, np.integer):
            types.append((name, Int64TensorType([None, 1])))
        else:
            types.append((name, FloatTensorType([None, 1])))
    onx = to_onnx(model, initial_types=types, options={"zipmap": False}, target_opset=17)
    return onx.SerializeToString()


def pickle_bytes(model) -> bytes:
    import pickle

    return pickle.dumps(model)


def memory_hog_onnx() -> bytes:
    """An ONNX model whose output is 60 MB per input row (3 GB for 50 rows): it exhausts a
    modest memory limit."""
    from onnx import TensorProto, helper

    repeats = helper.make_tensor("repeats", TensorProto.INT64, [2], [1, 15_000_000])
    graph = helper.make_graph(
        [helper.make_node("Tile", ["age", "repeats"], ["label"])],
        "hog",
        [helper.make_tensor_value_info("age", TensorProto.FLOAT, [None, 1])],
        [helper.make_tensor_value_info("label", TensorProto.FLOAT, [None, None])],
        initializer=[repeats],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    buffer = io.BytesIO(model.SerializeToString())
    return buffer.getvalue()


def endless_onnx() -> bytes:
    """An ONNX model with a loop of 10^15 iterations: it runs past any time limit."""
    from onnx import TensorProto, helper

    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("Add", ["acc_in", "one"], ["acc_out"]),
        ],
        "body",
        [
            helper.make_tensor_value_info("i", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [None, 1]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [None, 1]),
        ],
        initializer=[helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])],
    )
    graph = helper.make_graph(
        [helper.make_node("Loop", ["max", "cond", "age"], ["label"], body=body)],
        "endless",
        [helper.make_tensor_value_info("age", TensorProto.FLOAT, [None, 1])],
        [helper.make_tensor_value_info("label", TensorProto.FLOAT, [None, 1])],
        initializer=[
            helper.make_tensor("max", TensorProto.INT64, [], [10**15]),
            helper.make_tensor("cond", TensorProto.BOOL, [], [True]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


# --- Fixtures ----------------------------------------------------------------------------


@pytest.fixture
def sandbox_dir(settings, tmp_path):
    """Each test stores its sandbox files in its own directory."""
    settings.SANDBOX_DIR = tmp_path / "sandbox"
    return settings.SANDBOX_DIR


@pytest.fixture
def editor(make_user, commune_org):
    return make_user("editor", commune_org)


def upload_dataset(
    user,
    organisation,
    frame=None,
    *,
    sensitivity="personal",
    name="Demandes d'aide",
    content=None,
    filename="donnees.csv",
):
    from citeia.sandbox import services

    content = (
        content
        if content is not None
        else csv_bytes(frame if frame is not None else benefit_frame())
    )
    return services.dataset_upload(
        user=user,
        organisation=organisation,
        name=name,
        upload=upload(content, filename),
        sensitivity=sensitivity,
    )


def upload_model(
    user,
    organisation,
    model_bytes,
    *,
    fmt="skops",
    task="binary",
    name="Modèle",
    classes=None,
    filename=None,
):
    from citeia.sandbox import services

    return services.model_upload(
        user=user,
        organisation=organisation,
        name=name,
        upload=upload(model_bytes, filename or f"modele.{fmt}"),
        fmt=fmt,
        task=task,
        classes=classes,
    )
