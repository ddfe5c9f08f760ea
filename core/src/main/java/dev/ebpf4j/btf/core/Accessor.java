package dev.ebpf4j.btf.core;

/**
 * One step of a CO-RE access path: a named struct/union member ({@code name} set; {@code typeId} is the composite
 * and {@code index} the member's position in it), an array element or the leading pointer index ({@code name} null;
 * {@code typeId} is the element type, modifiers skipped), or — for enumerator relocations — the enumerator
 * ({@code typeId} the enum, {@code name} the enumerator's name).
 */
record Accessor(int typeId, int index, String name) {
    boolean isNamed() {
        return name != null;
    }
}
