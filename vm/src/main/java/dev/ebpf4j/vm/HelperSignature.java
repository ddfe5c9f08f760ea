package dev.ebpf4j.vm;

import java.util.List;
import java.util.Objects;

/**
 * A helper's name, return type and argument types (at most five), which the verifier checks each call against.
 *
 * <pre>{@code
 * HelperSignature sig = HelperSignature.of("my_sum", ReturnType.INTEGER, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE);
 * }</pre>
 *
 * @param name    for messages ("bpf_map_lookup_elem")
 * @param returns what r0 holds after the call
 * @param args    r1, r2, ... in order
 */
public record HelperSignature(String name, ReturnType returns, List<ArgType> args) {
    public HelperSignature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(returns, "returns");
        args = List.copyOf(args);
        if (args.size() > 5) throw new IllegalArgumentException("helpers take at most 5 arguments, not " + args.size());
        for (int i = 0; i < args.size(); i++) {
            ArgType a = args.get(i);
            boolean needsSize = a == ArgType.PTR_TO_MEM || a == ArgType.PTR_TO_UNINIT_MEM;
            if (needsSize && (i + 1 >= args.size() || (args.get(i + 1) != ArgType.CONST_SIZE
                    && args.get(i + 1) != ArgType.CONST_SIZE_OR_ZERO))) {
                throw new IllegalArgumentException(name + ": argument " + (i + 1) + " (" + a + ") must be followed by "
                        + "a CONST_SIZE or CONST_SIZE_OR_ZERO argument");
            }
            boolean needsMap = a == ArgType.PTR_TO_MAP_KEY || a == ArgType.PTR_TO_MAP_VALUE;
            if (needsMap && !args.subList(0, i).contains(ArgType.CONST_MAP_PTR)) {
                throw new IllegalArgumentException(name + ": argument " + (i + 1) + " (" + a + ") needs a CONST_MAP_PTR "
                        + "argument before it");
            }
        }
    }

    public static HelperSignature of(String name, ReturnType returns, ArgType... args) {
        return new HelperSignature(name, returns, List.of(args));
    }
}
