#!/usr/bin/env bash
# Sets up the tools the site checks use (idempotent, quiet when nothing is missing):
# Debian's chromium + chromium-driver + a JRE (for the Nu HTML checker), and a Python venv in
# .venv-test/ with tests/python/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
dpkg -s chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s chromium-driver >/dev/null 2>&1 || need+=(chromium-driver)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # test_notify: a self-signed certificate for STARTTLS
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

stamp=".venv-test/.requirements.sha256"
want=$(sha256sum tests/python/requirements.txt | cut -d' ' -f1)
if [ ! -x .venv-test/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> creating .venv-test"
  python3 -m venv .venv-test
  .venv-test/bin/pip install -q --disable-pip-version-check -r tests/python/requirements.txt
  echo "$want" > "$stamp"
fi
