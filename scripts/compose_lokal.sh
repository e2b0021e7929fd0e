#!/usr/bin/env bash
# `podman-compose up` of docker-compose.yml on a machine that reaches Debian's and PyPI's registries but no container
# registry: builds the base image from Debian packages, stand-ins for postgres:15 and redis:7, and the app image.
# Rootful podman in a restricted sandbox may need: PODMAN="podman --runtime runc --cgroup-manager cgroupfs" and
# BUILD_ARGS="--ulimit nofile=1024:1024 --ulimit nproc=4096:4096" (see docs/operations.md, "Container").
set -euo pipefail
cd "$(dirname "$0")/.."
PODMAN="${PODMAN:-podman}"
BUILD_ARGS="${BUILD_ARGS:-}"
CA="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
$PODMAN image exists localhost/akte-basis:bookworm || bash scripts/basisimage.sh
$PODMAN build $BUILD_ARGS -t docker.io/library/postgres:15 -f scripts/container/postgres.Containerfile scripts/container
$PODMAN build $BUILD_ARGS -t docker.io/library/redis:7 -f scripts/container/redis.Containerfile scripts/container
$PODMAN build $BUILD_ARGS --secret "id=ca,src=$CA" --build-arg BASIS=localhost/akte-basis:bookworm \
  -t localhost/auslaenderakte:latest .
$PODMAN tag localhost/auslaenderakte:latest auslaenderakte:latest
echo "Images gebaut. Start: SECRET_KEY=… podman-compose up -d"
