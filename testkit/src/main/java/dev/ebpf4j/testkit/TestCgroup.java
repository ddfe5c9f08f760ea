package dev.ebpf4j.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away cgroup v2 directory for cgroup-attach tests. Uses the cgroup2 mount (mounting one at
 * {@code /sys/fs/cgroup/unified} or a private path when none is mounted). Processes can be moved into it with
 * {@link #runInside}. Closing moves nothing back and removes the directory (it must be empty of processes).
 *
 * <pre>{@code
 * try (TestCgroup cg = TestCgroup.create()) { Path dir = cg.path(); ... }
 * }</pre>
 */
public final class TestCgroup implements AutoCloseable {
    private final Path path;

    private TestCgroup(Path path) {
        this.path = path;
    }

    /** The cgroup2 mount point, mounting one when there is none. */
    public static Path cgroup2Root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) return Path.of(f[1]);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/mounts", e);
        }
        Path mnt = Path.of("/tmp/ebpf4j-cgroup2");
        try {
            Files.createDirectories(mnt);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + mnt, e);
        }
        Shell.run("mount", "-t", "cgroup2", "none", mnt.toString());
        return mnt;
    }

    /** Creates a uniquely named child cgroup of the cgroup2 root. */
    public static TestCgroup create() {
        Path dir = cgroup2Root().resolve("ebpf4j-test-" + ProcessHandle.current().pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36));
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create cgroup " + dir, e);
        }
        return new TestCgroup(dir);
    }

    public Path path() {
        return path;
    }

    /** Runs a shell command line in a child process that first moves itself into this cgroup. */
    public Shell.Result runInside(String commandLine) {
        return Shell.exec(30, "sh", "-c", "echo $$ > " + path.resolve("cgroup.procs") + " && " + commandLine);
    }

    @Override
    public void close() {
        for (int i = 0; i < 50; i++) {
            try {
                Files.deleteIfExists(path);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
