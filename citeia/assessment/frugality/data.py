"""The questionnaire shipped with the code (loaded by the assessment data migration)."""

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_FILE = DATA_DIR / "frugality-v1.json"


def shipped_questionnaire() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    return data
