"""Where sandbox files live, and the key that encrypts personal datasets at rest."""

import base64
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

from . import crypto


def key() -> bytes:
    raw = base64.urlsafe_b64decode(settings.SANDBOX_KEY.encode())
    if len(raw) != 32:
        raise ValueError("CITEIA_SANDBOX_KEY must encode 32 bytes.")
    return raw


def hash_key(dataset_public_id) -> bytes:
    """A per-dataset key for keyed hashes (pseudonyms), derived from the sandbox key."""
    import hashlib
    import hmac

    return hmac.new(key(), f"pseudonym:{dataset_public_id}".encode(), hashlib.sha256).digest()


def directory(kind: str) -> Path:
    path = settings.SANDBOX_DIR / kind
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def new_name(suffix: str) -> str:
    return f"{uuid.uuid4().hex}{suffix}"


def temp_dir() -> Path:
    """A fresh private directory; the caller removes it (see `remove`)."""
    return Path(tempfile.mkdtemp(prefix="run-", dir=directory("tmp")))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def plaintext(dataset, into: Path) -> Path:
    """A readable copy of the dataset's file in `into` (decrypted if needed)."""
    suffix = ".parquet" if dataset.format == "parquet" else ".csv"
    if not dataset.encrypted:
        return dataset.path
    target = into / f"data{suffix}"
    crypto.decrypt_to(dataset.path, target, key())
    return target
