#!/usr/bin/env bash
# Installs the system packages that the test suite uses, when they are missing (Debian/Ubuntu):
# the OpenSSL command line (SM2 interoperability, packages/security/test/sm2.test.ts), Debian's
# chromium (the HTML docs in a real browser, packages/spec-tools/test/docs-browser.test.ts,
# driven by playwright-core) and its Noto CJK fonts (fonts-noto-cjk: that test asserts the
# rendered specs' Chinese is drawn as characters, not boxes), and the PostgreSQL and MariaDB
# servers that test/global-setup.ts starts as throwaway instances on 127.0.0.1
# (packages/adapter-sql and every package that needs a real database). Does nothing when all
# are present.
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
{ [ -x /usr/sbin/mariadbd ] || [ -x /usr/sbin/mysqld ]; } || missing+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
