package dev.ebpf4j.cli.tools;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;

import java.nio.file.Path;

/**
 * Opens a cgroup v2 directory for tools that filter by cgroup (its descriptor goes into a
 * {@code BPF_MAP_TYPE_CGROUP_ARRAY}).
 *
 * <pre>{@code
 * try (Fd cg = CgroupDirectory.open(Path.of("/sys/fs/cgroup/system.slice"), "execsnoop -c")) { ... }
 * }</pre>
 */
public final class CgroupDirectory {
    private CgroupDirectory() {
    }

    /** Opens {@code dir} read-only; errors say what {@code doing} needed it for. */
    public static Fd open(Path dir, String doing) {
        String path = dir.toAbsolutePath().toString();
        int fd = Libc.open(CallScratch.get().cString(path), Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = CallScratch.get().errno();
            String why = errno == Errno.ENOENT.number() ? "there is no cgroup directory " + path
                    : errno == Errno.ENOTDIR.number() ? path + " is not a directory (give a cgroup v2 directory)"
                    : "opening " + path + " failed with errno " + errno;
            throw new BpfException(doing + ": " + why, errno);
        }
        return Fd.adopt(fd, "cgroup " + path);
    }
}
