#!/usr/bin/env bash
# Sourced by ./ebpf4j and ./run-tests. Makes a fresh Debian machine ready to build ebpf4j:
#   - selects a JDK 25 (JAVA_HOME), installing one with apt when none is found and we are root;
#   - installs clang-19, llvm-19 and libbpf-dev (BPF-side headers) when missing and we are root.
# Set EBPF4J_SETUP_QUIET=1 to silence the progress lines.
# Extra packages can be requested with EBPF4J_EXTRA_PACKAGES="pkg1 pkg2" (used by ./run-tests for test oracles).

_ebpf4j_say() { [ "${EBPF4J_SETUP_QUIET:-0}" = 1 ] || echo "ebpf4j-setup: $*" >&2; }

_ebpf4j_java_major() { # prints the feature version of the java binary in $1
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}

_ebpf4j_find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-* /usr/lib/jvm/*25* /opt/java/*25* ; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(_ebpf4j_java_major "$candidate/bin/java")" = 25 ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

_ebpf4j_apt_install() { # installs the given Debian packages (root only); quiet unless it fails
  if [ "$(id -u)" != 0 ]; then
    echo "ebpf4j-setup: missing packages: $*; run as root or install them with: sudo apt-get install $*" >&2
    return 1
  fi
  _ebpf4j_say "installing $* (apt)"
  if [ -z "${_EBPF4J_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    _EBPF4J_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/tmp/ebpf4j-apt.log 2>&1 || {
    echo "ebpf4j-setup: apt-get install $* failed; see /tmp/ebpf4j-apt.log" >&2; return 1; }
}

ebpf4j_setup() {
  local jdk missing=()
  jdk="$(_ebpf4j_find_jdk25)" || {
    _ebpf4j_apt_install openjdk-25-jdk-headless 2>/dev/null || _ebpf4j_apt_install temurin-25-jdk 2>/dev/null || true
    jdk="$(_ebpf4j_find_jdk25)" || {
      echo "ebpf4j-setup: no JDK 25 found under /usr/lib/jvm and none could be installed; install a JDK 25 and set JAVA_HOME" >&2
      return 1; }
  }
  export JAVA_HOME="$jdk"
  export PATH="$JAVA_HOME/bin:$PATH"

  command -v clang-19 >/dev/null 2>&1 || missing+=(clang-19)
  command -v llvm-objdump-19 >/dev/null 2>&1 || missing+=(llvm-19)
  [ -f /usr/include/bpf/bpf_helpers.h ] || missing+=(libbpf-dev)
  [ -f /usr/include/linux/bpf.h ] || missing+=(linux-libc-dev)
  local pkg
  for pkg in ${EBPF4J_EXTRA_PACKAGES:-}; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then _ebpf4j_apt_install "${missing[@]}" || return 1; fi
  return 0
}
