#!/usr/bin/env bash
# Installs the system packages that the test suite uses, when they are missing (Debian/Ubuntu):
# the OpenSSL command line (SM2 interoperability, packages/security/test/sm2.test.ts) and
# Debian's chromium (the HTML docs in a real browser, packages/spec-tools/test/docs-browser.test.ts,
# driven by playwright-core). Does nothing when both are present.
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
