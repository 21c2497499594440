#!/usr/bin/env bash
# System packages some tests need: headless Chromium (page tests) and Virtuoso
# (tests/test_virtuoso.py starts a private server on 127.0.0.1).
# Installs with apt-get when running as root and they are missing; otherwise
# says what is missing and those tests skip.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || echo "install-sysdeps: could not install ${need[*]}; those tests will skip" >&2
else
  echo "install-sysdeps: not root; missing ${need[*]}: those tests will skip" >&2
fi
exit 0
