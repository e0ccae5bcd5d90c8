"""Fail when a French source string has no English translation.

Runs makemessages (which merges new strings into locale/en/.../django.po), lists the
entries left without a translation or marked fuzzy, then restores the file as it was.
"""

import os
import re
import sys
from pathlib import Path

import django
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeia.settings")
django.setup()

original = PO.read_bytes() if PO.exists() else None
try:
    call_command(
        "makemessages",
        locale=["en"],
        no_location=True,
        ignore_patterns=[".venv/*", "var/*", "tests/*", "bench/*", "scripts/*"],
        verbosity=0,
    )
    text = PO.read_text(encoding="utf-8")
finally:
    if original is None:
        PO.unlink(missing_ok=True)
    else:
        PO.write_bytes(original)

missing = []
for block in text.split("\n\n")[1:]:
    if "#, fuzzy" in block:
        missing.append(block)
        continue
    msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", flags=re.M)
    if any(not "".join(re.findall(r'"(.*)"', value)) for value in msgstrs):
        missing.append(block)
if missing:
    print(f"{len(missing)} French string(s) without an English translation in {PO}:")
    for block in missing[:30]:
        print("  " + block.replace("\n", "\n  "))
    print("Run `make translations`, translate the new entries, then `make messages`.")
    sys.exit(1)
print("Translations complete.")
