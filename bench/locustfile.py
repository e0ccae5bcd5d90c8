"""One target per run: every simulated client GETs BENCH_PATH in a loop, without pause.

    BENCH_PATH=/territoire/ locust -f bench/locustfile.py --headless -u 20 -r 20 -t 30s \
        --host http://127.0.0.1:8765

bench/run.py runs it once per page; each client is a browser that accepts gzip.
"""

import itertools
import os
import uuid

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/bench/constant")
# BENCH_VARY=1: every request adds a unique `n` parameter (the path has a query), so that
# no two requests share a results cache entry: a search or ranking nobody asked before.
VARY = bool(os.environ.get("BENCH_VARY"))


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.numbers = itertools.count()
        self.me = uuid.uuid4().hex[:8]

    @task
    def get_page(self) -> None:
        url = f"{PATH}&n={self.me}-{next(self.numbers)}" if VARY else PATH
        with self.client.get(
            url, name=PATH, headers={"Accept-Encoding": "gzip"}, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
