package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;

/** A target type that may correspond to a local type: type {@code id} of {@code btf}, named {@code source}. */
record Candidate(Btf btf, int id, String source) {
}
