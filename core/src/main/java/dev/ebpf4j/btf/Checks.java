package dev.ebpf4j.btf;

import java.util.List;
import java.util.Objects;

/** Argument checks shared by the type records: what the encoding can hold. */
final class Checks {
    /** The largest vlen (16 bits). */
    static final int MAX_VLEN = 0xffff;

    private Checks() {
    }

    static String name(String name) {
        return Objects.requireNonNull(name, "name (use \"\" for anonymous types)");
    }

    static int typeId(int id, String what) {
        if (id < 0) throw new IllegalArgumentException(what + " must be a type id >= 0, was " + id);
        return id;
    }

    static <T> List<T> vlenList(List<T> items, String what) {
        List<T> copy = List.copyOf(Objects.requireNonNull(items, what));
        if (copy.size() > MAX_VLEN) {
            throw new IllegalArgumentException(what + ": " + copy.size() + " entries, at most " + MAX_VLEN + " fit");
        }
        return copy;
    }

    static int u8(int value, String what) {
        if (value < 0 || value > 0xff) throw new IllegalArgumentException(what + " must be 0..255, was " + value);
        return value;
    }
}
