package dev.ebpf4j.internal;

import dev.ebpf4j.internal.sys.Libc;

/**
 * The system page size (ring buffers, perf buffers and mmap'd maps are sized in pages).
 *
 * <pre>{@code
 * long page = PageSize.get();
 * }</pre>
 */
public final class PageSize {
    private static final int SC_PAGESIZE = 30;
    private static final long SIZE = Math.max(4096, Libc.sysconf(SC_PAGESIZE));

    private PageSize() {
    }

    public static long get() {
        return SIZE;
    }

    /** {@code n} rounded up to a whole number of pages. */
    public static long roundUp(long n) {
        return (n + SIZE - 1) / SIZE * SIZE;
    }
}
