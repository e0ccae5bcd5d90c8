#!/usr/bin/env bash
# Serve Cité IA with gunicorn and one task worker; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BIND=${BIND:-127.0.0.1:8000}
WEB_WORKERS=${WEB_WORKERS:-3}

$PY manage.py run_worker --no-reload -v 1 &
worker=$!
trap 'kill -INT $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT INT TERM

echo "Cité IA : http://$BIND (Ctrl-C pour arrêter)"
.venv/bin/gunicorn citeia.wsgi:application --bind "$BIND" --workers "$WEB_WORKERS" \
  --access-logfile - --error-logfile - --log-level warning --graceful-timeout 5
