#!/bin/bash
# build.sh OUT: compiles gro_burst.c into the executable OUT against DPDK (Debian's libdpdk-dev, 22.11).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT}
# shellcheck disable=SC2046
gcc -O3 -march=native -Wall -o "$out" "$here/gro_burst.c" $(pkg-config --cflags --libs libdpdk)
echo "built $out"
