"""Fail unless every JUnit report exists, has no failure or error, and ran browser tests."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

problems = []
for name in sys.argv[1:]:
    path = Path(name)
    if not path.exists():
        problems.append(f"{name}: missing (the suite did not run)")
        continue
    # Our own pytest report, not untrusted input.
    cases = ET.parse(path).getroot().iter("testcase")  # noqa: S314
    total = failed = browser_ran = browser_skipped = 0
    for case in cases:
        total += 1
        is_browser = "test_browser" in case.get("classname", "")
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            browser_skipped += is_browser
        else:
            browser_ran += is_browser
    print(f"{name}: {total} tests, {failed} failed, {browser_ran} browser tests ran")
    if total == 0:
        problems.append(f"{name}: no test ran")
    if failed:
        problems.append(f"{name}: {failed} failed")
    if browser_ran == 0 or browser_skipped:
        problems.append(f"{name}: browser tests ran={browser_ran}, skipped={browser_skipped}")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
