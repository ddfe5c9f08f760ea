package dev.ebpf4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Position of a batch read ({@link BpfMap#lookupBatch}): the kernel's opaque in/out batch tokens and whether the
 * map is exhausted. One cursor per pass; not thread-safe.
 *
 * <pre>{@code
 * MapBatchCursor c = map.batchCursor();
 * while (!c.isDone()) {
 *     int n = map.lookupBatch(c, keys, values, 4096);
 *     ... use n entries ...
 * }
 * }</pre>
 */
public final class MapBatchCursor {
    private final MemorySegment a;
    private final MemorySegment b;
    private boolean flipped;
    private boolean started;
    private boolean done;

    MapBatchCursor(int tokenSize) {
        Arena arena = Arena.ofAuto();
        this.a = arena.allocate(tokenSize, 8);
        this.b = arena.allocate(tokenSize, 8);
    }

    /** True once the kernel reported the end of the map. */
    public boolean isDone() {
        return done;
    }

    /** Starts over from the beginning of the map. */
    public void reset() {
        started = false;
        done = false;
    }

    boolean started() {
        return started;
    }

    MemorySegment in() {
        return flipped ? b : a;
    }

    MemorySegment out() {
        return flipped ? a : b;
    }

    void advance(boolean end) {
        started = true;
        flipped = !flipped;
        done = end;
    }
}
