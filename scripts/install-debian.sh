#!/usr/bin/env bash
# Debian packages the build and tests need (Swift 6.x itself must already be on PATH).
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
  libopenblas-dev libnifti-dev libhdf5-dev libpng-dev pkg-config hdf5-tools >/dev/null
