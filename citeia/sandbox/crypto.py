"""Encryption at rest of dataset files: AES-256-GCM in 1 MiB chunks, streamed.

File layout: MAGIC, then records ``length (4 bytes) | nonce (12) | ciphertext+tag``.
Each chunk's associated data is its index and a "last chunk" flag, so that chunks can
be neither reordered nor dropped (truncation is detected). No Django import.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path

MAGIC = b"CITEIA-SANDBOX-AESGCM-1\n"
CHUNK = 1024 * 1024


class DecryptionError(ValueError):
    """The file was altered, or encrypted with another key."""


def _aad(index: int, last: bool) -> bytes:
    return struct.pack(">QB", index, 1 if last else 0)


def _rechunk(chunks: Iterable[bytes], size: int = CHUNK) -> Iterator[bytes]:
    buffer = bytearray()
    for chunk in chunks:
        buffer.extend(chunk)
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    yield bytes(buffer)


def encrypt_stream(chunks: Iterable[bytes], destination: Path, key: bytes) -> int:
    """Write the encrypted file; returns the plaintext size. Memory: two chunks at most."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    cipher = AESGCM(key)
    size = 0
    with destination.open("wb") as out:
        out.write(MAGIC)
        pending: bytes | None = None
        index = 0
        for chunk in _rechunk(chunks):
            if pending is not None:
                _write(out, cipher, pending, index, last=False)
                index += 1
            pending = chunk
            size += len(chunk)
        _write(out, cipher, pending or b"", index, last=True)
    return size


def _write(out, cipher, data: bytes, index: int, *, last: bool) -> None:  # type: ignore[no-untyped-def]
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, data, _aad(index, last))
    out.write(struct.pack(">I", len(sealed)) + nonce + sealed)


def decrypt_chunks(source: Path, key: bytes) -> Iterator[bytes]:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    cipher = AESGCM(key)
    with source.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise DecryptionError("Not an encrypted sandbox file.")
        index = 0
        while True:
            header = handle.read(16)
            if not header:
                raise DecryptionError("Truncated file: the last chunk is missing.")
            (length,) = struct.unpack(">I", header[:4])
            nonce = header[4:]
            sealed = handle.read(length)
            last = not handle.peek(1) if hasattr(handle, "peek") else False
            try:
                yield cipher.decrypt(nonce, sealed, _aad(index, last))
            except InvalidTag as exc:
                raise DecryptionError("Wrong key or altered file.") from exc
            if last:
                return
            index += 1


def decrypt_to(source: Path, destination: Path, key: bytes) -> None:
    with destination.open("wb") as out:
        for chunk in decrypt_chunks(source, key):
            out.write(chunk)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC
