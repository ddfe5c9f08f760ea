package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.code.Code;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Splits a BPF function whose JVM method would be too large for HotSpot into segments of consecutive instructions,
 * each compiled to its own method ({@link ClassEmitter}). HotSpot does not compile methods over 8000 bytes of
 * bytecode at all ({@code -XX:HugeMethodLimit}) and stops inlining once a compilation holds 8000 bytes
 * ({@code DesiredMethodLimit}), so a large function in one method would run in the JVM's bytecode interpreter.
 *
 * <p>Segments hold about {@link #TARGET_BYTES} of bytecode each; a cut is placed where no loop (backward jump)
 * spans it when such a place is near, so that loops run inside one method and only their entries and exits cross
 * segments (through the register file, at the cost of a method call).
 *
 * <pre>{@code
 * int[] bounds = Segments.split(code, start, end, measuredBytes);   // [start, cut1, ..., end]
 * int[] entries = Segments.entries(code, start, end, bounds[1], bounds[2]);
 * }</pre>
 */
final class Segments {
    private Segments() {
    }

    /** A function whose method has more bytecode than this is split. */
    static final int SPLIT_ABOVE_BYTES = 3500;
    /** Bytecode per segment aimed at: room left for what HotSpot inlines into it. */
    static final int TARGET_BYTES = 2500;

    /**
     * Segment boundaries of function {@code [start, end)} whose one-method form took {@code bytes} of bytecode:
     * {@code [start, end]} when it needs no split, else {@code [start, cut1, ..., end]}.
     */
    static int[] split(Code code, int start, int end, int bytes) {
        int n = end - start;
        if (bytes <= SPLIT_ABOVE_BYTES || n < 2) return new int[] {start, end};
        return cut(code, start, end, Math.max(1, (int) ((long) TARGET_BYTES * n / bytes)));
    }

    /** Boundaries of segments of about {@code perSegment} instructions (loop-aware, as {@link #split}). */
    static int[] cut(Code code, int start, int end, int perSegment) {
        int[] spanning = loopsSpanning(code, start, end);
        List<Integer> bounds = new ArrayList<>();
        bounds.add(start);
        int at = start;
        while (end - at > perSegment) {
            int ideal = at + perSegment;
            int cut = ideal;
            // prefer a cut no loop spans: look back up to a third of a segment, then forward as far
            int reach = Math.max(1, perSegment / 3);
            for (int d = 0; d <= reach; d++) {
                if (ideal - d > at && spanning[ideal - d - start] == 0) {
                    cut = ideal - d;
                    break;
                }
                if (ideal + d < end && spanning[ideal + d - start] == 0) {
                    cut = ideal + d;
                    break;
                }
            }
            bounds.add(cut);
            at = cut;
        }
        bounds.add(end);
        return bounds.stream().mapToInt(Integer::intValue).toArray();
    }

    /** For each cut position {@code c} (index minus start): how many backward jumps go from {@code >= c} to {@code < c}. */
    private static int[] loopsSpanning(Code code, int start, int end) {
        int[] diff = new int[end - start + 1];
        for (int i = start; i < end; i++) {
            if (isJump(code.opcode[i]) && code.target[i] <= i) {
                diff[code.target[i] + 1 - start]++;
                diff[i + 1 - start]--;
            }
        }
        int[] spanning = new int[end - start];
        int sum = 0;
        for (int k = 0; k < spanning.length; k++) {
            sum += diff[k];
            spanning[k] = sum;
        }
        return spanning;
    }

    /**
     * The instructions of segment {@code [from, to)} (of function {@code [start, end)}) that execution may enter it
     * at: its first instruction and every instruction a jump outside the segment goes to.
     */
    static int[] entries(Code code, int start, int end, int from, int to) {
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(from);
        for (int i = start; i < end; i++) {
            if ((i < from || i >= to) && isJump(code.opcode[i])) {
                int t = code.target[i];
                if (t >= from && t < to) entries.add(t);
            }
        }
        return entries.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A jump within the function (conditional or {@code ja}; not call or exit). */
    static boolean isJump(int op) {
        int cls = op & 7;
        return (cls == JMP || cls == JMP32) && (op & 0xf0) != CALL && (op & 0xf0) != EXIT;
    }
}
