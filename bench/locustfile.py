"""One target per run: every simulated client GETs BENCH_PATH in a loop, without pause.

    BENCH_PATH=/territoire/ locust -f bench/locustfile.py --headless -u 20 -r 20 -t 30s \
        --host http://127.0.0.1:8765

bench/run.py runs it once per page; each client is a browser that accepts gzip.
"""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/bench/constant")


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def get_page(self) -> None:
        with self.client.get(
            PATH, name=PATH, headers={"Accept-Encoding": "gzip"}, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
