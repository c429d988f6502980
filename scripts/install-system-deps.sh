#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when they are missing.
# As root (CI, fresh machines) it installs them; otherwise it says what to install.
set -euo pipefail
packages=(pkg-config build-essential libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver curl git gnome-keyring dbus-daemon python3-venv)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
