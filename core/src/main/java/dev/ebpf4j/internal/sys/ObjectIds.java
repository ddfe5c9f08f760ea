package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Enumerates the kernel's BPF object ids (programs, maps, links, BTF), opens objects by id, and tells which kind of
 * object a descriptor refers to.
 *
 * <pre>{@code
 * for (int id : ObjectIds.all(ObjectIds.Kind.MAP)) { try (Fd fd = ObjectIds.open(ObjectIds.Kind.MAP, id)) { ... } }
 * }</pre>
 */
public final class ObjectIds {
    /** The kinds of kernel BPF objects that have ids. */
    public enum Kind {
        PROG(BpfCommand.PROG_GET_NEXT_ID, BpfCommand.PROG_GET_FD_BY_ID, "program", "anon_inode:bpf-prog"),
        MAP(BpfCommand.MAP_GET_NEXT_ID, BpfCommand.MAP_GET_FD_BY_ID, "map", "anon_inode:bpf-map"),
        LINK(BpfCommand.LINK_GET_NEXT_ID, BpfCommand.LINK_GET_FD_BY_ID, "link", "anon_inode:bpf-link"),
        BTF(BpfCommand.BTF_GET_NEXT_ID, BpfCommand.BTF_GET_FD_BY_ID, "BTF object", "anon_inode:btf");

        final BpfCommand next;
        final BpfCommand byId;
        final String noun;
        /** What {@code /proc/self/fd/N} of such an object links to. */
        private final String inode;

        Kind(BpfCommand next, BpfCommand byId, String noun, String inode) {
            this.next = next;
            this.byId = byId;
            this.noun = noun;
            this.inode = inode;
        }

        /** "program", "map", "link", "BTF object". */
        public String noun() {
            return noun;
        }
    }

    private ObjectIds() {
    }

    /** Every id of {@code kind}, ascending. */
    public static List<Integer> all(Kind kind) {
        List<Integer> ids = new ArrayList<>();
        int id = 0;
        while (true) {
            MemorySegment a = CallScratch.get().attr(BpfAttr.ID_SIZE);
            a.set(JAVA_INT, BpfAttr.ID_START_ID, id);
            long r = Bpf.call(kind.next, a, BpfAttr.ID_SIZE);
            if (r < 0) {
                if (-r == Errno.ENOENT.number()) return ids;
                throw Bpf.error(kind.next, (int) -r, "listing " + kind.noun + " ids", Capabilities.CAP_SYS_ADMIN);
            }
            id = a.get(JAVA_INT, BpfAttr.ID_NEXT_ID);
            ids.add(id);
        }
    }

    /** Opens the object with {@code id}; throws a {@link BpfException} with ENOENT when there is none. */
    public static Fd open(Kind kind, int id) {
        return open(kind, id, 0);
    }

    /**
     * The kind of BPF object descriptor {@code fd} refers to, from what {@code /proc/self/fd/<fd>} links to
     * ({@code anon_inode:bpf-map}, ...); empty for other descriptors or when /proc cannot tell.
     */
    public static Optional<Kind> kindOf(int fd) {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        for (Kind k : Kind.values()) if (target.equals(k.inode)) return Optional.of(k);
        return Optional.empty();
    }

    /** Opens the object with {@code id} with open flags (e.g. BPF_F_RDONLY for maps). */
    public static Fd open(Kind kind, int id, int openFlags) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.ID_SIZE);
        a.set(JAVA_INT, BpfAttr.ID_START_ID, id);
        a.set(JAVA_INT, BpfAttr.ID_OPEN_FLAGS, openFlags);
        long r = Bpf.call(kind.byId, a, BpfAttr.ID_SIZE);
        if (r < 0) {
            if (-r == Errno.ENOENT.number()) {
                throw new BpfException("there is no " + kind.noun + " with id " + id + " (it may have been unloaded)",
                        Errno.ENOENT.number());
            }
            throw Bpf.error(kind.byId, (int) -r, "opening " + kind.noun + " id " + id, Capabilities.CAP_SYS_ADMIN);
        }
        return Fd.adopt((int) r, kind.noun + " id " + id);
    }
}
