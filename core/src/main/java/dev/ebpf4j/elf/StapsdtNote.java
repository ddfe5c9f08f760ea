package dev.ebpf4j.elf;

/**
 * One SystemTap SDT probe description: a {@code stapsdt} note of type 3 in section {@code .note.stapsdt}, as
 * {@code <sys/sdt.h>} (DTRACE_PROBE / STAP_PROBE macros) writes it for every probe site. The addresses are the
 * link-time virtual addresses the note records; a probe whose name appears at several sites has one note per site.
 * {@link dev.ebpf4j.link.usdt.UsdtProbes} turns notes into attachable probes (prelink adjustment, file offsets,
 * parsed arguments).
 *
 * <pre>{@code
 * for (StapsdtNote n : StapsdtNotes.read(ElfFile.read(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so")))) {
 *     System.out.printf("%s:%s at 0x%x args '%s'%n", n.provider(), n.name(), n.location(), n.arguments());
 * }
 * }</pre>
 *
 * @param noteOffset the note's byte offset within {@code .note.stapsdt}
 * @param location   the probe site's address (the {@code nop} the probe is placed on)
 * @param base       the address of {@code .stapsdt.base} at link time (for prelink adjustment), 0 when absent
 * @param semaphore  the address of the probe's semaphore (a {@code unsigned short} in {@code .probes} that tracers
 *                   increment while attached, which the program may test with {@code PROVIDER_NAME_ENABLED()}), or
 *                   0 when the probe has none
 * @param provider   the provider name, e.g. {@code hotspot}
 * @param name       the probe name, e.g. {@code gc__begin}
 * @param arguments  the argument specification, e.g. {@code "-4@%edi 8@-16(%rbp) 4@$5"}; empty for no arguments
 */
public record StapsdtNote(long noteOffset, long location, long base, long semaphore, String provider, String name,
                          String arguments) {

    /** {@code provider:name}. */
    public String probeName() {
        return provider + ":" + name;
    }

    /** True when the probe has a semaphore. */
    public boolean hasSemaphore() {
        return semaphore != 0;
    }
}
