#!/usr/bin/env bash
# Rebuilds astronaut-128.ppm, the small real photo the Imaging tests use (binary PPM, so the
# tests need no image decoder). Source: skimage/data/astronaut.png from the scikit-image 0.26.0
# wheel (NASA, public domain), SHA-256 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5.
# Usage: make-fixtures.sh path/to/astronaut.png
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ffmpeg -v error -y -i "$1" -vf scale=128:128:flags=area -pix_fmt rgb24 -f image2 -c:v ppm "$here/astronaut-128.ppm"
sha256sum "$here/astronaut-128.ppm"
