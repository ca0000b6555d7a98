#!/usr/bin/env bash
# Debian packages the tests need: chromium (driven by Playwright with the system binary), a
# CJK font (fonts-wqy-zenhei) so screenshots and charts show Chinese text instead of empty boxes,
# and a Java runtime for Spark (only when no `java` is on PATH).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-zenhei)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)  # Spark (tests/test_spark_*)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-system-deps: missing ${missing[*]} and this user cannot run apt-get (not root, no sudo)." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# slim images lack the man folder the JRE's update-alternatives writes into
$SUDO mkdir -p /usr/share/man/man1
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
command -v chromium >/dev/null
