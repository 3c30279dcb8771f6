#!/bin/bash
# build.sh OUT [NS3_DIR]: compiles k2p-8dial.cc into the executable OUT, against an ns-3 3.37 build tree NS3_DIR
# (built with --build-profile=optimized, see README.md) or, without NS3_DIR, against Debian's libns3-dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT [NS3_DIR]}
modules="core network internet applications csma point-to-point"
if [ $# -ge 2 ]; then
    ns3=$(cd "$2" && pwd)
    lib="$ns3/build/lib"
    libs=()
    for m in $modules; do
        libs+=("-lns3.37-$m-optimized")
    done
    # the flags of ns-3's optimized profile (cmake: CMAKE_BUILD_TYPE=release, NS3_NATIVE_OPTIMIZATIONS)
    g++ -O3 -march=native -mtune=native -std=c++17 -DNS3_BUILD_PROFILE_OPTIMIZED -I"$ns3/build/include" \
        -o "$out" "$here/k2p-8dial.cc" -L"$lib" -Wl,-rpath,"$lib" "${libs[@]}"
else
    libs=()
    for m in $modules; do
        libs+=("-lns3-$m")
    done
    g++ -O2 -std=c++17 -o "$out" "$here/k2p-8dial.cc" "${libs[@]}"
fi
echo "built $out"
