package dev.ebpf4j.btf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.internal.sys.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The running kernel's BTF under {@code /sys/kernel/btf}: vmlinux, parsed once per process on first use (a failed
 * attempt is not remembered, so it can be retried), and module BTF split on it.
 *
 * <p>vmlinux is mapped read-only and private where the kernel allows it (Linux 6.16+; the mapping lives as long as
 * the process, like the parsed BTF), which costs no copy; otherwise, and for modules, the file is read. sysfs hands
 * out such files 4 KiB per read, so mapping is several times faster than reading.
 */
final class KernelBtf {
    static final Path DIR = Path.of("/sys/kernel/btf");
    private static final String VMLINUX = "vmlinux";
    private static volatile Btf vmlinux;

    private KernelBtf() {
    }

    private static final int MAP_PRIVATE = 2;
    private static final int MAP_POPULATE = 0x8000;

    static Btf vmlinux() {
        Btf btf = vmlinux;
        if (btf == null) {
            synchronized (KernelBtf.class) {
                btf = vmlinux;
                if (btf == null) vmlinux = btf = loadVmlinux(DIR.resolve(VMLINUX));
            }
        }
        return btf;
    }

    private static Btf loadVmlinux(Path file) {
        MemorySegment mapped = mapForever(file);
        return mapped != null ? Btf.wrap(mapped, file.toString(), null) : load(file, null);
    }

    /** Maps a file read-only and private for the rest of the process, or returns null when that is not possible. */
    static MemorySegment mapForever(Path file) {
        try {
            long size = Files.size(file);
            if (size <= 0) return null;
            int fd;
            try (Arena arena = Arena.ofConfined()) {
                fd = Libc.open(arena.allocateFrom(file.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
            }
            if (fd < 0) return null;
            try {
                MemorySegment at = Libc.mmap(MemorySegment.NULL, size, Libc.PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                        fd, 0);
                if (at.address() == Libc.MAP_FAILED.address() || at.address() == 0) return null;
                return at.reinterpret(size);
            } finally {
                Libc.close(fd);
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            return null;            // not mappable here (older kernel, no native access): read it instead
        }
    }

    static Btf module(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.equals(VMLINUX)) {
            throw new IllegalArgumentException("not a kernel module name: '" + name + "'");
        }
        Path file = DIR.resolve(name);
        if (!Files.exists(file)) {
            throw new BpfException("kernel module '" + name + "' has no BTF at " + file + " (not loaded, or built "
                    + "without CONFIG_DEBUG_INFO_BTF_MODULES)");
        }
        return load(file, vmlinux());
    }

    static List<String> moduleNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(DIR)) {
            for (Path p : dir) {
                String n = p.getFileName().toString();
                if (!n.equals(VMLINUX)) names.add(n);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new BpfException("listing " + DIR + " failed: " + e.getMessage(), e);
        }
        names.sort(null);
        return List.copyOf(names);
    }

    private static Btf load(Path file, Btf base) {
        if (!Files.exists(file) && base == null) {
            throw new NotSupportedException("kernel BTF", "5.4", file + " is missing (kernel built without "
                    + "CONFIG_DEBUG_INFO_BTF)");
        }
        return Btf.read(file, base);
    }
}
