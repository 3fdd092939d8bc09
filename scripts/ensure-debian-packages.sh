#!/usr/bin/env bash
# Installs the Debian packages the integration tests use (mosquitto, mosquitto_pub) and the headless
# browser the simulator's report-page test opens report.html in (chromium), when this machine lets
# us: root with apt-get. Otherwise it says why, and only the tests that need them skip.
set -u
need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages for the tests: ${need[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null 2>&1; then
    echo "could not install ${need[*]}: the tests that need them (mosquitto integration, report page in chromium) will skip"
  fi
else
  echo "not root or no apt-get: ${need[*]} not installed; the tests that need them (mosquitto integration, report page in chromium) will skip"
fi
exit 0
