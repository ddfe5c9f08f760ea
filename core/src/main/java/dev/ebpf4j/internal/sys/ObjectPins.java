package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.fs.KernelFilesystems;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Pinning BPF objects on the BPF filesystem ({@code BPF_OBJ_PIN}) and opening pinned objects ({@code BPF_OBJ_GET}).
 * Mounts bpffs first when it is missing; paths outside a bpffs mount get a clear error.
 *
 * <pre>{@code
 * ObjectPins.pin(fd, Path.of("/sys/fs/bpf/counts"), "map 'counts'");
 * Fd again = ObjectPins.open(Path.of("/sys/fs/bpf/counts"), 0, ObjectIds.Kind.MAP);   // refuses a pinned program
 * }</pre>
 */
public final class ObjectPins {
    private ObjectPins() {
    }

    /** Pins {@code fd} at {@code path}, creating missing parent directories on bpffs. */
    public static void pin(int fd, Path path, String what) {
        KernelFilesystems.bpffs();
        Path abs = path.toAbsolutePath().normalize();
        if (!KernelFilesystems.isOnBpffs(abs)) {
            throw new BpfException("cannot pin " + what + " at " + abs + ": the path is not on a BPF filesystem; "
                    + "use a path under " + KernelFilesystems.BPFFS, Errno.EINVAL.number());
        }
        try {
            Path parent = abs.getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (java.io.IOException e) {
            throw new BpfException("cannot create the directory for pin " + abs + ": " + e.getMessage());
        }
        MemorySegment a = CallScratch.get().attr(BpfAttr.OBJ_SIZE);
        MemorySegment name = CallScratch.get().cString(abs.toString());
        a.set(JAVA_LONG, BpfAttr.OBJ_PATHNAME, name.address());
        a.set(JAVA_INT, BpfAttr.OBJ_BPF_FD, fd);
        long r = Bpf.call(BpfCommand.OBJ_PIN, a, BpfAttr.OBJ_SIZE);
        if (r < 0) {
            if (-r == Errno.EEXIST.number()) {
                throw new BpfException("cannot pin " + what + " at " + abs + ": something is already pinned there; "
                        + "unpin it (rm " + abs + ") or choose another path", Errno.EEXIST.number());
            }
            throw Bpf.error(BpfCommand.OBJ_PIN, (int) -r, "pinning " + what + " at " + abs, Capabilities.CAP_BPF);
        }
    }

    /** Opens the object pinned at {@code path}; {@code fileFlags} may be BPF_F_RDONLY / BPF_F_WRONLY. */
    public static Fd open(Path path, int fileFlags, String what) {
        KernelFilesystems.bpffs();
        Path abs = path.toAbsolutePath().normalize();
        MemorySegment a = CallScratch.get().attr(BpfAttr.OBJ_SIZE);
        MemorySegment name = CallScratch.get().cString(abs.toString());
        a.set(JAVA_LONG, BpfAttr.OBJ_PATHNAME, name.address());
        a.set(JAVA_INT, BpfAttr.OBJ_FILE_FLAGS, fileFlags);
        long r = Bpf.call(BpfCommand.OBJ_GET, a, BpfAttr.OBJ_SIZE);
        if (r < 0) {
            if (-r == Errno.ENOENT.number()) {
                throw new BpfException("nothing is pinned at " + abs + " (" + what + ")", Errno.ENOENT.number());
            }
            throw Bpf.error(BpfCommand.OBJ_GET, (int) -r, "opening " + what + " pinned at " + abs,
                    Capabilities.CAP_BPF);
        }
        return Fd.adopt((int) r, what + " pinned at " + abs);
    }

    /**
     * Opens the object pinned at {@code path} and checks that it is a {@code kind}: a program pinned where a map is
     * expected (and so on) raises {@link BpfArgumentException} ("incorrect object type: /sys/fs/bpf/x holds a
     * program, not a map") and the descriptor is closed. {@code fileFlags} as for
     * {@link #open(Path, int, String)}.
     */
    public static Fd open(Path path, int fileFlags, ObjectIds.Kind kind) {
        Fd fd = open(path, fileFlags, kind.noun());
        Optional<ObjectIds.Kind> actual = ObjectIds.kindOf(fd.get());
        if (actual.isEmpty() || actual.get() == kind) return fd;
        fd.close();
        throw new BpfArgumentException("incorrect object type: " + path + " holds a " + actual.get().noun() + ", not a "
                + kind.noun());
    }

    /** Removes a pin (the object lives on while other references exist). */
    public static void unpin(Path path) {
        try {
            Files.delete(path);
        } catch (java.nio.file.NoSuchFileException e) {
            // already gone
        } catch (java.io.IOException e) {
            throw new BpfException("cannot unpin " + path + ": " + e.getMessage());
        }
    }
}
