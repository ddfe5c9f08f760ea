package dev.ebpf4j.btf;

import java.util.Objects;

/**
 * A {@code .BTF.ext} CO-RE relocation: the instruction at {@code insnOffset} (bytes from the section start) needs
 * {@code kind} computed for the local type {@code typeId} along {@code accessString} (e.g. {@code "0:1:0:5"}:
 * element 0 of the pointer, member 1, member 0, element 5) against the target kernel's BTF.
 *
 * <pre>{@code
 * for (BtfCoreRelo r : section.records()) {
 *     System.out.println(r.kind() + " " + btf.name(r.typeId()) + " " + r.accessString());
 * }
 * }</pre>
 */
public record BtfCoreRelo(int insnOffset, int typeId, String accessString, BtfCoreReloKind kind) {
    public BtfCoreRelo {
        Checks.name(accessString);
        Objects.requireNonNull(kind, "kind");
    }
}
