package dev.ebpf4j.vm;

/**
 * A helper function implemented in Java: what {@code call N} runs. Arguments arrive in r1..r5 as the program left
 * them; pointers are VM addresses, read and written through {@link HelperContext}. The return value goes to r0.
 *
 * <pre>{@code
 * VmHelper add = (ctx, r1, r2, r3, r4, r5) -> r1 + r2;
 * VmHelper sum = (ctx, r1, r2, r3, r4, r5) -> {      // sum(ptr, len)
 *     byte[] bytes = ctx.read(r1, (int) r2);
 *     long s = 0; for (byte b : bytes) s += b & 0xff; return s;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface VmHelper {
    long call(HelperContext ctx, long r1, long r2, long r3, long r4, long r5);
}
