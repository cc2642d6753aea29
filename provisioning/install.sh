#!/bin/sh
# Installs (or upgrades) the Fleet device agent from an unpacked fleet-device-VERSION-linux-ARCH.tar.gz.
#   sudo ./install.sh [BUNDLE_DIR]
# BUNDLE_DIR is a provisioning bundle (`fleet devices provision ID --out DIR`): its files go to /etc/fleet.
# Safe to run again: the user, directories and unit are created once, the agent binaries are replaced,
# an existing /etc/fleet/device.json is kept unless a bundle is given.
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
APP_DIR=/opt/fleet
CONFIG_DIR=/etc/fleet
STATE_DIR=/var/lib/fleet
UNIT=/etc/systemd/system/fleet-device.service
USER_NAME=fleet

say()  { printf 'fleet-device install: %s\n' "$*"; }
fail() { printf 'fleet-device install: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root: sudo $0 $*"
[ -x "$HERE/app/fleet-device" ] || fail "$HERE/app/fleet-device is missing; run install.sh from the unpacked package"
VERSION="$(cat "$HERE/VERSION")"
ARCH="$(cat "$HERE/ARCH")"

case "$(uname -m)" in
  aarch64|arm64) MACHINE=linux-arm64 ;;
  x86_64|amd64)  MACHINE=linux-x64 ;;
  *)             MACHINE="linux-$(uname -m)" ;;
esac
[ "$MACHINE" = "$ARCH" ] || fail "this package is for $ARCH but this machine is $MACHINE (uname -m: $(uname -m)); use the fleet-device-$VERSION-$MACHINE package. A 32-bit OS on a 64-bit Pi reports armv7l: install the 64-bit Raspberry Pi OS."

BUNDLE=""
if [ $# -ge 1 ]; then
  BUNDLE="$1"
  [ -f "$BUNDLE/device.json" ] || fail "$BUNDLE has no device.json; give the directory written by 'fleet devices provision ID --out DIR'"
fi

# The agent must work on this board before anything is changed.
if ! CHECK="$("$HERE/app/fleet-device" --self-check 2>&1)"; then
  fail "the agent's ONNX Runtime self-check failed on this machine, nothing was installed: $CHECK"
fi
say "$CHECK"

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

install -d -m 0755 -o root -g root "$APP_DIR"
install -d -m 0750 -o root -g "$USER_NAME" "$CONFIG_DIR"
install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" "$STATE_DIR"

# Replace the binaries as a whole: stale files of an older version must not linger next to the new ones.
rm -rf "$APP_DIR.new"
cp -R "$HERE/app" "$APP_DIR.new"
chown -R root:root "$APP_DIR.new"
rm -rf "$APP_DIR.old"
mv "$APP_DIR" "$APP_DIR.old"
mv "$APP_DIR.new" "$APP_DIR"
rm -rf "$APP_DIR.old"
say "installed fleet-device $VERSION ($ARCH) in $APP_DIR"

install -m 0644 -o root -g root "$HERE/device.example.json" "$CONFIG_DIR/device.example.json"
if [ -n "$BUNDLE" ]; then
  for file in "$BUNDLE"/*; do
    [ -f "$file" ] || continue
    install -m 0640 -o root -g "$USER_NAME" "$file" "$CONFIG_DIR/$(basename "$file")"
  done
  say "copied the provisioning bundle $BUNDLE to $CONFIG_DIR (readable by $USER_NAME only)"
fi

install -m 0644 -o root -g root "$HERE/fleet-device.service" "$UNIT"
if [ ! -d /run/systemd/system ]; then
  say "systemd is not running here: the unit is in $UNIT; start the agent yourself with"
  say "  sudo -u $USER_NAME $APP_DIR/fleet-device --config $CONFIG_DIR/device.json"
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
