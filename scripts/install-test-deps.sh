#!/usr/bin/env bash
# Installs the third-party programs the integration and interop tests talk to, so that a fresh
# machine with only a JDK and Maven can run `mvn -Pintegration verify`. Idempotent: packages
# already present are not fetched again. Each later capability adds its peers here (opentracker,
# coturn, python3-libtorrent, syncthing, utp-native, ...).
set -euo pipefail

DEBIAN_PACKAGES=(
  syncthing   # reference tool of the end-to-end benchmark (sync-bench e2e)
  rsync       # rsync daemon on loopback: the other reference of the end-to-end benchmark
  python3-libtorrent  # libtorrent's mainline DHT: the DHT interop tests (sync-discovery, on loopback)
  opentracker # BitTorrent tracker (UDP BEP 15 and HTTP): interop test of the tracker discovery
  iperf3      # TCP bulk flow (cubic) competing with uTP in the LEDBAT namespace test (sync-transport-udp)
  iputils-ping # RTT through the namespace test's bottleneck while uTP and TCP run (sync-transport-udp)
)
NPM_PACKAGES=(
  utp-native@2.5.3   # libutp (BEP 29) through native bindings: the uTP interop peer (sync-transport-udp)
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ ${#NPM_PACKAGES[@]} -gt 0 ]; then
  dir="$(cd "$(dirname "$0")/.." && pwd)/target/npm"
  mkdir -p "$dir"
  (cd "$dir" && npm install --no-audit --no-fund --silent "${NPM_PACKAGES[@]}")
fi
echo "test dependencies: ok"
