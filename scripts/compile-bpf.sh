#!/usr/bin/env bash
# Compiles every *.bpf.c under SRC_DIR into OUT_DIR/NAME.bpf.o with clang (-target bpf -g -O2), and every plain *.c
# under SRC_DIR/native into OUT_DIR/native/NAME with the host compiler (test binaries for uprobes and the like).
# A .bpf.c whose first line is `// ebpf4j-cflags: FLAGS` gets FLAGS appended to the clang command (e.g. -mcpu=v4,
# or -target bpfeb, which overrides the default target); a native .c whose first line is `// ebpf4j-ldflags: FLAGS`
# gets FLAGS appended to its link command (e.g. -lbpf for the libbpf oracle).
# Usage: compile-bpf.sh SRC_DIR OUT_DIR [CLANG] [GLOB]
# With GLOB (e.g. 'loader_*.bpf.c') only matching BPF sources are compiled and native binaries are skipped (used to
# build part of the corpus with a second clang version).
# Build-time only: ebpf4j never runs clang at run time unless asked to compile C text.
set -euo pipefail
src="$1"; out="$2"; clang="${3:-${EBPF4J_CLANG:-clang-19}}"; glob="${4:-}"
[ -d "$src" ] || exit 0
command -v "$clang" >/dev/null || { echo "compile-bpf: $clang not found (./run-tests installs it)" >&2; exit 1; }
mkdir -p "$out"
arch="$(uname -m)"; case "$arch" in x86_64) target_arch=x86;; aarch64) target_arch=arm64;; *) target_arch="$arch";; esac
multiarch="$(gcc -print-multiarch 2>/dev/null || echo "$arch-linux-gnu")"
shopt -s nullglob
for c in "$src"/${glob:-*.bpf.c}; do
  name="$(basename "$c" .c)"
  o="$out/$name.o"
  if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ -n "$(find "$src" -name '*.h' -newer "$o" -print -quit)" ]; then
    extra=()
    first_line="$(head -n 1 "$c")"
    case "$first_line" in "// ebpf4j-cflags:"*) read -r -a extra <<< "${first_line#// ebpf4j-cflags:}";; esac
    "$clang" -target bpf -g -O2 -Wall -Werror -D__TARGET_ARCH_"$target_arch" -I"$src" -I/usr/include/"$multiarch" \
      "${extra[@]}" -c "$c" -o "$o"
  fi
done
if [ -z "$glob" ] && [ -d "$src/native" ]; then
  mkdir -p "$out/native"
  for c in "$src"/native/*.c; do
    name="$(basename "$c" .c)"
    bin="$out/native/$name"
    if [ ! -f "$bin" ] || [ "$c" -nt "$bin" ] || [ -n "$(find "$src/native" -newer "$bin" \( -name "*.c" -o -name "*.h" \) -print -quit)" ]; then
      ldflags=()
      first_line="$(head -n 1 "$c")"
      case "$first_line" in "// ebpf4j-ldflags:"*) read -r -a ldflags <<< "${first_line#// ebpf4j-ldflags:}";; esac
      cc -O1 -g -fno-inline -fno-omit-frame-pointer -o "$bin" "$c" "${ldflags[@]}"
    fi
  done
fi
