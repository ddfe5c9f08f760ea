package dev.ebpf4j.btf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The running kernel's BTF under {@code /sys/kernel/btf}: vmlinux, parsed once per process on first use (a failed
 * attempt is not remembered, so it can be retried), and module BTF split on it.
 */
final class KernelBtf {
    static final Path DIR = Path.of("/sys/kernel/btf");
    private static final String VMLINUX = "vmlinux";
    private static volatile Btf vmlinux;

    private KernelBtf() {
    }

    static Btf vmlinux() {
        Btf btf = vmlinux;
        if (btf == null) {
            synchronized (KernelBtf.class) {
                btf = vmlinux;
                if (btf == null) vmlinux = btf = load(DIR.resolve(VMLINUX), null);
            }
        }
        return btf;
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
