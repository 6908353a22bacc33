#!/usr/bin/env bash
# Debian packages the app and its tests need, installed with apt-get when missing (as root, or
# through sudo when it is available). `pdf`: WeasyPrint's libraries (Pango, HarfBuzz) and fonts,
# for the printable summaries. `browser`: Chromium, which the browser tests drive headless.
set -euo pipefail

want=()
for group in "$@"; do
  case "$group" in
    pdf) want+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fontconfig) ;;
    browser) want+=(chromium) ;;
    *) echo "unknown group: $group" >&2; exit 2 ;;
  esac
done

command -v dpkg-query >/dev/null 2>&1 || { echo "Not a Debian system: install ${want[*]} yourself." >&2; exit 0; }

missing=()
for package in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "Missing Debian packages: ${missing[*]}. Install them as root (apt-get install ${missing[*]})." >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
