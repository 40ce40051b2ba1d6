#!/usr/bin/env bash
# Debian packages the build and tests need (Swift 6.x itself must already be on PATH).
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
  libopenblas-dev libnifti-dev libhdf5-dev libpng-dev pkg-config hdf5-tools \
  python3-nibabel python3-h5py >/dev/null
# python3-nibabel and python3-h5py are test tooling only: nibabel's test data (a big-endian, a NIfTI-2
# and 4-D files) checks our NIfTI reader, and tests read our HDF5 files back with h5py.
# Slurm and munge for scripts/slurm/test.sh (a one-node cluster on localhost; docs/slurm.md): the daemons and
# clients without the recommended extras (8 packages instead of 39; measured enough for the test).
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
