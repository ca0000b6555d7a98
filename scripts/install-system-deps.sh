#!/usr/bin/env bash
# Debian packages the tests need: chromium (driven by Playwright with the system binary), a
# CJK font (fonts-wqy-zenhei) so screenshots and charts show Chinese text instead of empty boxes,
# a Java runtime for Spark (only when no `java` is on PATH), and Virtuoso 7
# (virtuoso-opensource): kg push is tested against a real one on loopback, skipped when
# virtuoso-t is absent; it adds about 16 s to a first run (apt-get update + install, measured
# 2026-12-03) and its service is not started (the test runs its own server).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-zenhei)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
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
