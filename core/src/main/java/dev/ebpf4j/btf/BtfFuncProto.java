package dev.ebpf4j.btf;

import java.util.List;

/**
 * A function prototype: return type (0: void), parameters, and whether it ends in {@code ...}. In the encoding a
 * variadic prototype has one more, final parameter with no name and type 0; here that is {@link #variadic()} and is
 * not in {@link #params()} (so a non-variadic prototype cannot end in an unnamed void parameter).
 * {@code int f(void)} has no parameters.
 *
 * <pre>{@code
 * // int (const char *fmt, ...)
 * int proto = builder.add(new BtfFuncProto(intId, List.of(new BtfParam("fmt", constCharPtr)), true));
 * }</pre>
 */
public record BtfFuncProto(String name, int returnTypeId, List<BtfParam> params, boolean variadic) implements BtfType {
    public BtfFuncProto {
        Checks.name(name);
        Checks.typeId(returnTypeId, "FUNC_PROTO return type");
        params = Checks.vlenList(params, "FUNC_PROTO params");
        if (variadic && params.size() == Checks.MAX_VLEN) {
            throw new IllegalArgumentException("FUNC_PROTO: " + Checks.MAX_VLEN + " params leave no room for '...'");
        }
        if (!variadic && !params.isEmpty()) {
            BtfParam last = params.getLast();
            if (last.typeId() == 0 && last.name().isEmpty()) {
                throw new IllegalArgumentException("FUNC_PROTO: a final unnamed void parameter is the variadic marker;"
                        + " pass variadic = true instead");
            }
        }
    }

    /** An anonymous prototype, the only form the kernel accepts. */
    public BtfFuncProto(int returnTypeId, List<BtfParam> params, boolean variadic) {
        this("", returnTypeId, params, variadic);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.FUNC_PROTO;
    }

    /** The encoded vlen: parameters plus the variadic marker. */
    public int vlen() {
        return params.size() + (variadic ? 1 : 0);
    }
}
