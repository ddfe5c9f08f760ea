package dev.ebpf4j.btf;

import dev.ebpf4j.ObjectFormatException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes and alignments of BTF types. Every walk is bounded: chains give up after {@link #MAX_DEPTH} steps (real C
 * types are nowhere near), and alignment memoises per call, so a malformed blob with loops or enormous fan-out
 * costs at most linear work before an {@link ObjectFormatException}.
 */
final class BtfLayout {
    /** The most typedef/qualifier/array/nesting steps followed from one type before it is called a loop. */
    static final int MAX_DEPTH = 128;

    private static final String[] LONG_NAMES = {"long", "long int", "long unsigned int", "unsigned long",
            "long unsigned", "unsigned long int", "long signed int", "signed long", "signed long int"};

    private BtfLayout() {
    }

    static ObjectFormatException tooDeep(Btf btf, int id) {
        return btf.errorAt(id, "type chain from [" + id + "] " + btf.kind(id) + " is more than " + MAX_DEPTH
                + " steps deep (a loop?)");
    }

    static long sizeOf(Btf btf, int id) {
        long multiplier = 1;
        int current = id;
        for (int hops = 0; ; hops++) {
            if (hops > MAX_DEPTH) throw tooDeep(btf, id);
            BtfKind kind = btf.kind(current);
            switch (kind) {
                case INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT -> {
                    return times(btf, id, multiplier, Integer.toUnsignedLong(btf.rawSizeOrType(current)));
                }
                case PTR -> {
                    return times(btf, id, multiplier, btf.pointerSize());
                }
                case TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG, VAR, DECL_TAG -> current = btf.refTypeId(current);
                case ARRAY -> {
                    BtfArray array = (BtfArray) btf.type(current);
                    multiplier = times(btf, id, multiplier, array.lengthUnsigned());
                    current = array.elementTypeId();
                }
                case VOID, FWD, FUNC, FUNC_PROTO -> throw new IllegalArgumentException(describe(btf, id)
                        + (current == id ? "" : " resolves to " + describe(btf, current) + ", which")
                        + " has no size");
            }
        }
    }

    private static long times(Btf btf, int id, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw btf.errorAt(id, "size of " + describe(btf, id) + " overflows 64 bits");
        }
    }

    static int alignOf(Btf btf, int id) {
        return new Aligner(btf).align(id, 0);
    }

    /** One alignment query: memoises composites so shared and repeated members are computed once. */
    private static final class Aligner {
        private static final int IN_PROGRESS = -1;
        private final Btf btf;
        private final Map<Integer, Integer> composites = new HashMap<>();

        Aligner(Btf btf) {
            this.btf = btf;
        }

        int align(int id, int depth) {
            if (depth > MAX_DEPTH) throw tooDeep(btf, id);
            return switch (btf.kind(id)) {
                case INT, ENUM, ENUM64, FLOAT -> scalar(btf, Integer.toUnsignedLong(btf.rawSizeOrType(id)));
                case PTR -> btf.pointerSize();
                case TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG, VAR, DECL_TAG ->
                        align(btf.refTypeId(id), depth + 1);
                case ARRAY -> align(((BtfArray) btf.type(id)).elementTypeId(), depth + 1);
                case STRUCT, UNION -> composite(id, depth);
                case VOID, FWD, FUNC, FUNC_PROTO, DATASEC -> throw new IllegalArgumentException(describe(btf, id)
                        + " has no alignment");
            };
        }

        private int composite(int id, int depth) {
            Integer known = composites.get(id);
            if (known != null) {
                if (known == IN_PROGRESS) {
                    throw btf.errorAt(id, describe(btf, id) + " contains itself by value");
                }
                return known;
            }
            composites.put(id, IN_PROGRESS);
            BtfComposite c = (BtfComposite) btf.type(id);
            List<BtfMember> members = c.members();
            int max = 1;
            boolean packed = false;
            for (BtfMember m : members) {
                int a = align(m.typeId(), depth + 1);
                max = Math.max(max, a);
                if (m.bitfieldSize() == 0 && m.bitOffsetUnsigned() % (8L * a) != 0) packed = true;
            }
            if (Integer.toUnsignedLong(c.size()) % max != 0) packed = true;
            int result = packed ? 1 : max;
            composites.put(id, result);
            return result;
        }
    }

    /**
     * A scalar's natural alignment: the largest power of two dividing its size, capped at twice the pointer size
     * ({@code __int128} and x86-64 {@code long double} align to 16 on 64-bit targets, as compilers do; libbpf's
     * {@code btf__align_of} caps at the pointer size instead).
     */
    private static int scalar(Btf btf, long size) {
        if (size == 0) return 1;
        return (int) Math.min(Long.lowestOneBit(size), 2L * btf.pointerSize());
    }

    static int pointerSize(Btf btf) {
        for (String name : LONG_NAMES) {
            var id = btf.findId(name, BtfKind.INT);
            if (id.isPresent()) {
                int size = btf.rawSizeOrType(id.getAsInt());
                if (size == 4 || size == 8) return size;
            }
        }
        return 8;
    }

    static String describe(Btf btf, int id) {
        if (id == 0) return "[0] void";
        String name = btf.name(id);
        return "[" + id + "] " + btf.kind(id) + (name.isEmpty() ? "" : " '" + name + "'");
    }
}
