#!/usr/bin/env bash
# Installs the Debian packages dinostream needs when they are missing: a JDK 17 and Maven to build,
# g++, binutils (objcopy, ar: the build realigns libfaiss.a) and libfaiss-dev (headers + static lib) to
# build our FAISS binding, OpenBLAS/LAPACK/OpenMP at run
# time, the Fashion-MNIST dataset for the demo and tests, and Chromium with its WebDriver for the web page
# test, fonts for the text in plots and generated test images, and python3-faiss (the reference side of
# `bench index`, the same Debian FAISS our binding links). As root it runs apt-get; otherwise it
# prints the exact command and fails.
set -euo pipefail

packages=(openjdk-17-jdk-headless maven g++ binutils libfaiss-dev libopenblas0-pthread libopenblas-pthread-dev liblapack3 libgomp1 dataset-fashion-mnist chromium chromium-driver fontconfig fonts-dejavu-core python3-faiss python3-numpy)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "dinostream needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root (or with sudo):" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
echo "Installing missing packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
