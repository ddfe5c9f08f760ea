package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.UpdateMode;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Fills keys 0..entries-1 with value key * 3 using batch updates of 65536 entries, as the anchor's {@code fill}.
 *
 * <pre>{@code
 * long nanos = MapFill.fill(map, 1 << 20);
 * }</pre>
 */
final class MapFill {
    static final int CHUNK = 65536;

    private MapFill() {
    }

    /** Returns the time taken in nanoseconds. */
    static long fill(BpfMap map, int entries) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(JAVA_INT, CHUNK);
            MemorySegment values = arena.allocate(JAVA_LONG, CHUNK);
            long t0 = System.nanoTime();
            for (int start = 0; start < entries; start += CHUNK) {
                int n = Math.min(CHUNK, entries - start);
                for (int i = 0; i < n; i++) {
                    keys.setAtIndex(JAVA_INT, i, start + i);
                    values.setAtIndex(JAVA_LONG, i, (start + i) * 3L);
                }
                int done = map.updateBatch(keys, values, n, UpdateMode.ANY);
                if (done != n) throw new IllegalStateException("batch update wrote " + done + " of " + n);
            }
            return System.nanoTime() - t0;
        }
    }
}
