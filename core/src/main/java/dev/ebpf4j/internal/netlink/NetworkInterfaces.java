package dev.ebpf4j.internal.netlink;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Interface names and indexes in the calling thread's network namespace, with errors that name the interface.
 *
 * <pre>{@code
 * int ifindex = NetworkInterfaces.indexOf("eth0");     // BpfException (ENODEV) naming "eth0" when absent
 * String name = NetworkInterfaces.nameOf(ifindex);
 * }</pre>
 */
public final class NetworkInterfaces {
    private NetworkInterfaces() {
    }

    /** The index of interface {@code name}. */
    public static int indexOf(String name) {
        if (name == null || name.isEmpty() || name.length() >= Libc.IF_NAMESIZE || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new BpfArgumentException("'" + name + "' is not a valid network interface name (1 to "
                    + (Libc.IF_NAMESIZE - 1) + " characters, no '/')");
        }
        int index = Libc.ifNameToIndex(CallScratch.get().cString(name));
        if (index <= 0) {
            throw new BpfException("there is no network interface named '" + name + "' in this network namespace "
                    + "(list them with `ip link`)", Errno.ENODEV.number());
        }
        return index;
    }

    /** The name of interface {@code ifindex}. */
    public static String nameOf(int ifindex) {
        if (ifindex <= 0) {
            throw new BpfArgumentException("interface index " + ifindex + " is not valid; indexes start at 1");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Libc.IF_NAMESIZE);
            MemorySegment r = Libc.ifIndexToName(ifindex, buf);
            if (r.address() == 0) {
                throw new BpfException("there is no network interface with index " + ifindex + " in this network "
                        + "namespace (list them with `ip link`)", Errno.ENODEV.number());
            }
            return buf.getString(0);
        }
    }
}
