#!/usr/bin/env bash
# Installs, on Debian/Ubuntu, the real programs the interop tests talk to: Dovecot (POP3),
# curl, openssl and Python 3 (poplib); and Chromium, the browser the page tests drive
# (Playwright cannot download its own here). Run as root. Dovecot's own system service is kept from
# starting: the tests run private instances on free loopback ports and need nothing in /etc.
set -euo pipefail

# package -> what proves it is there (a program on PATH, or a file).
needs=(
  "dovecot-core:/usr/sbin/dovecot"
  "dovecot-pop3d:/usr/lib/dovecot/pop3"
  "openssl:openssl"
  "curl:curl"
  "ca-certificates:/etc/ssl/certs/ca-certificates.crt"
  "python3:python3"
  "chromium:/usr/bin/chromium"
)

missing=()
for need in "${needs[@]}"; do
  package="${need%%:*}"
  probe="${need#*:}"
  if [[ "$probe" == /* ]]; then
    [ -e "$probe" ] || missing+=("$package")
  else
    command -v "$probe" > /dev/null 2>&1 || missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: everything already installed"
else
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d exit 101 = "do not start services" while the packages configure themselves.
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    added_policy=true
  fi
  trap 'if [ "$added_policy" = true ]; then rm -f "$policy"; fi' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

# Belt and braces: a packaged Dovecot already running elsewhere is stopped and kept off.
if command -v service > /dev/null 2>&1; then service dovecot stop > /dev/null 2>&1 || true; fi
if command -v systemctl > /dev/null 2>&1; then systemctl disable --now dovecot > /dev/null 2>&1 || true; fi

/usr/sbin/dovecot --version | sed 's/^/install-test-deps: dovecot /'
curl --version | head -n 1 | sed 's/^/install-test-deps: /'
openssl version | sed 's/^/install-test-deps: /'
python3 -c 'import poplib, ssl, sys; print("install-test-deps: python", sys.version.split()[0], ssl.OPENSSL_VERSION)'
/usr/bin/chromium --version 2>/dev/null | sed 's/^/install-test-deps: /'
