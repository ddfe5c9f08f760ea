package dev.ebpf4j.cli.tools;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.btf.Btf;

import java.io.IOException;
import java.io.InputStream;

/**
 * The tools' BPF objects: compiled from cli/src/main/bpf by clang at build time into the CLI jar (resource
 * {@code /bpf/NAME.bpf.o}) and parsed from there at run time. Also starts reading the kernel's BTF early, on another
 * thread, for tools whose programs use CO-RE.
 *
 * <pre>{@code
 * ToolObjects.prefetchKernelBtf("task_struct");
 * ObjectSpec spec = ToolObjects.read("execsnoop");
 * }</pre>
 */
public final class ToolObjects {
    private ToolObjects() {
    }

    /** Parses the tool object {@code name} ("execsnoop") from the classpath. */
    public static ObjectSpec read(String name) {
        String resource = "/bpf/" + name + ".bpf.o";
        byte[] bytes;
        try (InputStream in = ToolObjects.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new BpfException("the CLI was built without its BPF object " + resource + " (clang-19 compiles "
                        + "cli/src/main/bpf/" + name + ".bpf.c during the build; rebuild with ./ebpf4j or ./mvnw package)");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new BpfException("reading the BPF object " + resource + " from the CLI jar failed: " + e.getMessage(), e);
        }
        return ObjectSpec.parse(bytes, name + ".bpf.o");
    }

    /**
     * Parses the kernel's BTF (once per process, shared with the loader's CO-RE relocator) and indexes the names of
     * {@code structs} on a daemon thread, so that it overlaps with the rest of start-up; failures are left for the
     * loader to report.
     */
    public static void prefetchKernelBtf(String... structs) {
        Thread t = new Thread(new KernelBtfPrefetch(structs), "ebpf4j-btf-prefetch");
        t.setDaemon(true);
        t.start();
    }

    /** A class rather than a lambda: the first lambda's bootstrap would cost the main thread milliseconds. */
    private record KernelBtfPrefetch(String[] structs) implements Runnable {
        @Override
        public void run() {
            try {
                Btf vmlinux = Btf.vmlinux();
                for (String s : structs) vmlinux.findStruct(s);
            } catch (RuntimeException e) {
                // the loader reads it again and reports what is wrong
            }
        }
    }
}
