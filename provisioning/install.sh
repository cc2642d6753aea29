#!/bin/sh
# Installs (or upgrades) the Fleet device agent from an unpacked fleet-device-VERSION-linux-ARCH.tar.gz.
#   sudo ./install.sh [BUNDLE_DIR]
#   ./install.sh --root DIR [BUNDLE_DIR]
# BUNDLE_DIR is a provisioning bundle (`fleet devices provision ID --out DIR`): device.json (the agent's configuration)
# and the files it names go to /etc/fleet; the agent checks the configuration before anything is installed.
# Safe to run again: the user, directories and unit are created once, the agent binaries are replaced,
# an existing /etc/fleet/device.json is kept unless a bundle is given.
# --root DIR lays the same files out under DIR (DIR/opt/fleet, DIR/etc/fleet, ...) as the invoking user, without
# creating the user or touching systemd: for preparing an image and for tests.
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT=""
BUNDLE=""

say()  { printf 'fleet-device install: %s\n' "$*"; }
fail() { printf 'fleet-device install: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root)
      [ $# -ge 2 ] || fail "--root needs a directory"
      ROOT="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    -h|--help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option '$1' (usage: sudo $0 [BUNDLE_DIR], or $0 --root DIR [BUNDLE_DIR])" ;;
    *)
      [ -z "$BUNDLE" ] || fail "one bundle directory at a time (got '$BUNDLE' and '$1')"
      BUNDLE="$1"; shift ;;
  esac
done

APP_DIR=$ROOT/opt/fleet
CONFIG_DIR=$ROOT/etc/fleet
STATE_DIR=$ROOT/var/lib/fleet
UNIT=$ROOT/etc/systemd/system/fleet-device.service
USER_NAME=fleet

if [ -z "$ROOT" ]; then
  [ "$(id -u)" -eq 0 ] || fail "run as root: sudo $0 $*"
fi
[ -x "$HERE/app/fleet-device" ] || fail "$HERE/app/fleet-device is missing; run install.sh from the unpacked package"
VERSION="$(cat "$HERE/VERSION")"
ARCH="$(cat "$HERE/ARCH")"

case "$(uname -m)" in
  aarch64|arm64) MACHINE=linux-arm64 ;;
  x86_64|amd64)  MACHINE=linux-x64 ;;
  *)             MACHINE="linux-$(uname -m)" ;;
esac
[ "$MACHINE" = "$ARCH" ] || fail "this package is for $ARCH but this machine is $MACHINE (uname -m: $(uname -m)); use the fleet-device-$VERSION-$MACHINE package. A 32-bit OS on a 64-bit Pi reports armv7l: install the 64-bit Raspberry Pi OS."

if [ -n "$BUNDLE" ]; then
  [ -f "$BUNDLE/device.json" ] || fail "$BUNDLE has no device.json; give the directory written by 'fleet devices provision ID --out DIR'"
fi

# The agent must work on this board before anything is changed.
if ! CHECK="$("$HERE/app/fleet-device" --self-check 2>&1)"; then
  fail "the agent's ONNX Runtime self-check failed on this machine, nothing was installed: $CHECK"
fi
say "$CHECK"
# A bundle the agent would refuse (unknown key, wrong type, missing file) is refused here, before anything changes.
if [ -n "$BUNDLE" ]; then
  if ! CHECK="$("$HERE/app/fleet-device" --check-config --config "$BUNDLE/device.json" 2>&1)"; then
    fail "the bundle's configuration is not usable, nothing was installed: $CHECK"
  fi
  say "$CHECK"
fi

if [ -n "$ROOT" ]; then
  say "--root $ROOT: no user, no ownership, no systemd; files laid out as $(id -un)"
  OWN_APP=""; OWN_CONFIG=""; OWN_STATE=""
else
  if id "$USER_NAME" >/dev/null 2>&1; then
    say "user $USER_NAME exists"
  else
    useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    say "created system user $USER_NAME"
  fi
  # Sensors and the status LED: the groups exist on Raspberry Pi OS; elsewhere there is nothing to join.
  for group in gpio i2c; do
    if getent group "$group" >/dev/null 2>&1; then usermod -aG "$group" "$USER_NAME"; fi
  done
  OWN_APP="-o root -g root"; OWN_CONFIG="-o root -g $USER_NAME"; OWN_STATE="-o $USER_NAME -g $USER_NAME"
fi

# shellcheck disable=SC2086 # the ownership flags are words on purpose
install -d -m 0755 $OWN_APP "$APP_DIR"
# shellcheck disable=SC2086
install -d -m 0750 $OWN_CONFIG "$CONFIG_DIR"
# shellcheck disable=SC2086
install -d -m 0750 $OWN_STATE "$STATE_DIR"
install -d -m 0755 "$(dirname "$UNIT")"

# Replace the binaries as a whole: stale files of an older version must not linger next to the new ones.
rm -rf "$APP_DIR.new"
cp -R "$HERE/app" "$APP_DIR.new"
[ -n "$ROOT" ] || chown -R root:root "$APP_DIR.new"
rm -rf "$APP_DIR.old"
mv "$APP_DIR" "$APP_DIR.old"
mv "$APP_DIR.new" "$APP_DIR"
rm -rf "$APP_DIR.old"
say "installed fleet-device $VERSION ($ARCH) in $APP_DIR"

# shellcheck disable=SC2086
install -m 0644 $OWN_APP "$HERE/device.example.json" "$CONFIG_DIR/device.example.json"
if [ -n "$BUNDLE" ]; then
  # device.json names its files relative to itself, so they go next to it.
  for file in "$BUNDLE"/*; do
    [ -f "$file" ] || continue
    # shellcheck disable=SC2086
    install -m 0640 $OWN_CONFIG "$file" "$CONFIG_DIR/$(basename "$file")"
  done
  say "copied the provisioning bundle $BUNDLE to $CONFIG_DIR (readable by $USER_NAME only)"
fi

# shellcheck disable=SC2086
install -m 0644 $OWN_APP "$HERE/fleet-device.service" "$UNIT"
if [ -n "$ROOT" ]; then
  say "laid out under $ROOT; the unit is $UNIT"
  exit 0
fi
if [ ! -d /run/systemd/system ]; then
  say "systemd is not running here: the unit is in $UNIT; start the agent yourself with"
  say "  sudo -u $USER_NAME STATE_DIRECTORY=$STATE_DIR $APP_DIR/fleet-device --config $CONFIG_DIR/device.json"
  exit 0
fi
systemctl daemon-reload
systemctl enable fleet-device.service >/dev/null 2>&1
if [ ! -f "$CONFIG_DIR/device.json" ]; then
  say "no $CONFIG_DIR/device.json yet: copy your provisioning bundle there (or run: sudo $0 BUNDLE_DIR);"
  say "$CONFIG_DIR/device.example.json shows every key. Then: sudo systemctl start fleet-device"
  exit 0
fi
systemctl restart fleet-device.service
say "fleet-device is enabled and (re)started: systemctl status fleet-device; journalctl -u fleet-device -f"
