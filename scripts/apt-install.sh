#!/usr/bin/env bash
# Install a Debian package when we can (root or password-less sudo); say so otherwise.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then
  apt-get install -y -q "$@" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; }
elif sudo -n true 2>/dev/null; then
  sudo apt-get install -y -q "$@" >/dev/null || { sudo apt-get update -q >/dev/null && sudo apt-get install -y -q "$@" >/dev/null; }
else
  echo "Installez le paquet Debian $* (droits administrateur nécessaires), puis relancez." >&2
  exit 1
fi
