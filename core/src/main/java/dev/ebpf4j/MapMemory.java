package dev.ebpf4j;

import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SysErrors;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One map's mappings into this process ({@link BpfMap#memory()}): {@code BPF_F_MMAPABLE} arrays, mapped read-only
 * when the map is frozen or read-only, and arenas, mapped once (at their address hint when they have one). Every
 * mapping is unmapped by {@link #close()}; segments used afterwards raise IllegalStateException, never a crash.
 *
 * <pre>{@code
 * MemorySegment values = new MapMemory(map).map();
 * }</pre>
 */
final class MapMemory {
    private final BpfMap map;
    private Arena mappings;
    private MemorySegment arenaMapping;

    MapMemory(BpfMap map) {
        this.map = map;
    }

    /** Maps the map (see {@link BpfMap#memory()}). */
    synchronized MemorySegment map() {
        if ((map.flags() & MapFlags.MMAPABLE) == 0) {
            throw new BpfArgumentException(map.what()
                    + " was not created with MapFlags.MMAPABLE, so it cannot be mapped");
        }
        if (map.type() == MapType.ARENA && arenaMapping != null) return arenaMapping;
        long size = map.type() == MapType.ARENA ? (long) map.maxEntries() * PageSize.get()
                : PageSize.roundUp((long) BpfMap.roundUp8(map.valueSize()) * map.maxEntries());
        boolean writable = (map.flags() & MapFlags.RDONLY) == 0;
        long hint = map.type() == MapType.ARENA ? map.mapExtra() : 0;
        MemorySegment m = tryMap(size, writable, hint);
        if (m == null && writable) {
            writable = false;
            m = tryMap(size, false, hint);
        }
        if (m == null) {
            throw SysErrors.of("mmap of " + map.what()
                    + (hint != 0 ? " at its address hint 0x" + Long.toHexString(hint) : ""), CallScratch.get().errno());
        }
        if (hint != 0 && m.address() != hint) {
            Libc.munmap(m, size);
            throw new BpfException("mmap of " + map.what() + " placed it at 0x" + Long.toHexString(m.address())
                    + ", not at its address hint 0x" + Long.toHexString(hint) + " (the kernel ignored "
                    + "MAP_FIXED_NOREPLACE)");
        }
        if (mappings == null) mappings = Arena.ofShared();
        long addr = m.address();
        long len = size;
        long dataSize = map.type() == MapType.ARENA ? size : (long) BpfMap.roundUp8(map.valueSize()) * map.maxEntries();
        MemorySegment whole = m.reinterpret(len, mappings, seg -> Libc.munmap(MemorySegment.ofAddress(addr), len));
        MemorySegment view = whole.asSlice(0, dataSize);
        MemorySegment result = writable ? view : view.asReadOnly();
        if (map.type() == MapType.ARENA) arenaMapping = result;
        return result;
    }

    private MemorySegment tryMap(long size, boolean writable, long hint) {
        int prot = Libc.PROT_READ | (writable ? Libc.PROT_WRITE : 0);
        int mmapFlags = Libc.MAP_SHARED | (hint != 0 ? Libc.MAP_FIXED_NOREPLACE : 0);
        MemorySegment m = Libc.mmap(MemorySegment.ofAddress(hint), size, prot, mmapFlags, map.fd(), 0);
        return m.address() == -1L ? null : m;
    }

    /** Unmaps every segment {@link #map()} returned. */
    synchronized void close() {
        if (mappings != null) {
            mappings.close();
            mappings = null;
        }
        arenaMapping = null;
    }
}
