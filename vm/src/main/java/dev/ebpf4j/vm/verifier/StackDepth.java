package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.code.Reject;

import java.util.Set;

/**
 * The kernel's combined stack limit: along any chain of calls, the frames' stack use (each rounded up to 32 bytes)
 * adds up to at most 512 bytes.
 *
 * <pre>{@code
 * StackDepth.check(code, maxStackPerSubprog, callEdges);
 * }</pre>
 */
final class StackDepth {
    private StackDepth() {
    }

    static final int MAX = 512;

    static void check(Code code, int[] maxStack, Set<Long> edges) {
        int n = maxStack.length;
        long[] memo = new long[n];
        java.util.Arrays.fill(memo, -1);
        long total = depth(0, maxStack, edges, memo, 0);
        if (total > MAX) {
            throw new Reject(-1, "combined stack size of the calls is " + total + ". Too large (limit " + MAX + ")");
        }
    }

    private static long depth(int sub, int[] maxStack, Set<Long> edges, long[] memo, int guard) {
        if (memo[sub] >= 0) return memo[sub];
        if (guard > maxStack.length) return 0;
        long own = (Math.max(maxStack[sub], 1) + 31) / 32 * 32;
        long best = 0;
        for (long e : edges) {
            if ((int) (e >>> 32) == sub) best = Math.max(best, depth((int) e, maxStack, edges, memo, guard + 1));
        }
        memo[sub] = own + best;
        return memo[sub];
    }
}
