#!/usr/bin/env bash
# Builds what the benchmark pairs run outside the JVM (called by the bench module's Maven build and by
# ./run-benchmarks):
#   - the BPF objects bench/src/main/bpf/*.bpf.c -> OUT/bpf/NAME.bpf.o, compiled ONCE with clang-19 through the
#     repository's scripts/compile-bpf.sh; ebpf4j and libbpf load these very files;
#   - the libbpf anchor bench/src/main/c/*.c -> OUT/anchor/bench-anchor, with -O2 against Debian's libbpf (libbpf-dev).
#     (scripts/compile-bpf.sh builds its native test programs at -O1 without inlining, fine for test targets but not
#     for a performance baseline, and one file per program, so the anchor is linked here.)
# Usage: bench/build-anchors.sh [OUT]    (OUT defaults to bench/target)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
out="${1:-$here/target}"
"$here/../scripts/compile-bpf.sh" "$here/src/main/bpf" "$out/bpf"
[ -f /usr/include/bpf/libbpf.h ] || { echo "build-anchors: libbpf-dev is missing (apt-get install libbpf-dev)" >&2; exit 1; }
command -v "${CC:-cc}" >/dev/null || { echo "build-anchors: no C compiler (apt-get install gcc)" >&2; exit 1; }
mkdir -p "$out/anchor"
bin="$out/anchor/bench-anchor"
if [ ! -x "$bin" ] || [ -n "$(find "$here/src/main/c" -newer "$bin" -print -quit)" ]; then
  "${CC:-cc}" -O2 -g -Wall -Wextra -Werror -o "$bin" "$here"/src/main/c/*.c -lbpf -lpthread
fi
