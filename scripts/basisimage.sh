#!/usr/bin/env bash
# Build the Dockerfile's base image from Debian's packages only (bookworm: Python 3.11 and pip), for machines that
# reach Debian's mirror but no container registry. Then:
#   podman build --build-arg BASIS=localhost/akte-basis:bookworm -t auslaenderakte:latest .
set -euo pipefail
ZIEL="${1:-localhost/akte-basis:bookworm}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The same mirror apt uses on this machine.
spiegel=$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
mmdebstrap --variant=apt --include=python3,python3-pip,python3-venv,python-is-python3,ca-certificates \
  --customize-hook='rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED' \
  bookworm "$tmp/rootfs.tar" "${spiegel:-http://deb.debian.org/debian}"
podman import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' "$tmp/rootfs.tar" "$ZIEL"
echo "Basisimage $ZIEL gebaut."
