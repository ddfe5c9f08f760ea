package dev.ebpf4j.link.usdt;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSegment;
import dev.ebpf4j.elf.StapsdtNote;
import dev.ebpf4j.elf.StapsdtNotes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Finds the USDT probes of an ELF64 executable or shared library ({@code .note.stapsdt}) and computes where to attach
 * them: the prelink-adjusted address, the file offset through the {@code PT_LOAD} segments (the probe site must lie
 * in an executable segment, a semaphore in a non-executable one), and the semaphore's file offset.
 *
 * <pre>{@code
 * Path libjvm = Path.of(System.getProperty("java.home"), "lib/server/libjvm.so");
 * List<UsdtProbe> all = UsdtProbes.read(libjvm);
 * List<UsdtProbe> gc = UsdtProbes.find(libjvm, "hotspot", "gc__begin");   // every site of hotspot:gc__begin
 * }</pre>
 */
public final class UsdtProbes {
    private UsdtProbes() {
    }

    /** Every probe site of {@code binary}, in note order; empty when it has no USDT notes. */
    public static List<UsdtProbe> read(Path binary) {
        return of(ElfFile.read(existing(binary)), binary);
    }

    /** Every probe site of {@code elf} (read from {@code binary}). */
    public static List<UsdtProbe> of(ElfFile elf, Path binary) {
        Context c = context(elf, binary);
        List<UsdtProbe> out = new ArrayList<>();
        for (StapsdtNote n : c.notes) out.add(resolve(c, n));
        return Collections.unmodifiableList(out);
    }

    /**
     * The sites of probe {@code provider:name} in {@code binary}. Only the matching notes are resolved, so a broken
     * note elsewhere does not matter.
     *
     * @throws BpfArgumentException when the binary has no such probe (the message lists the probes it has)
     */
    public static List<UsdtProbe> find(Path binary, String provider, String name) {
        return find(ElfFile.read(existing(binary)), binary, provider, name);
    }

    /** As {@link #find(Path, String, String)} on an already parsed file. */
    public static List<UsdtProbe> find(ElfFile elf, Path binary, String provider, String name) {
        Context c = context(elf, binary);
        List<UsdtProbe> out = new ArrayList<>();
        for (StapsdtNote n : c.notes) {
            if (n.provider().equals(provider) && n.name().equals(name)) out.add(resolve(c, n));
        }
        if (out.isEmpty()) throw notFound(c, provider, name);
        return Collections.unmodifiableList(out);
    }

    private record Context(ElfFile elf, Path binary, List<StapsdtNote> notes, OptionalLong base,
                           UsdtArchitecture arch, boolean shared) {
    }

    private static Context context(ElfFile elf, Path binary) {
        int type = elf.header().type();
        if (type != ElfConstants.ET_EXEC && type != ElfConstants.ET_DYN) {
            throw new BpfArgumentException(binary + " is not an executable or shared library (ELF type " + type
                    + "); USDT probes are attached in linked binaries");
        }
        return new Context(elf, binary, StapsdtNotes.read(elf), StapsdtNotes.baseSectionAddress(elf),
                UsdtArchitecture.ofMachine(elf.header().machine()).orElse(null), type == ElfConstants.ET_DYN);
    }

    private static UsdtProbe resolve(Context c, StapsdtNote n) {
        long delta = c.base.isPresent() && n.base() != 0 ? c.base.getAsLong() - n.base() : 0;
        long address = n.location() + delta;
        ElfSegment code = segment(c.elf, address);
        if (code == null || !code.isExecutable() || Long.compareUnsigned(address - code.virtualAddress(),
                code.fileSize()) >= 0) {
            throw bad(c, n, String.format("its address 0x%x lies in no executable, file-backed PT_LOAD segment",
                    address));
        }
        long fileOffset = address - code.virtualAddress() + code.offset();
        long semaphore = n.semaphore() == 0 ? 0 : n.semaphore() + delta;
        long semaphoreOffset = 0;
        if (semaphore != 0) {
            ElfSegment data = segment(c.elf, semaphore);
            if (data == null || data.isExecutable()) {
                throw bad(c, n, String.format("its semaphore at 0x%x lies in no %sPT_LOAD segment", semaphore,
                        data == null ? "" : "writable (non-executable) "));
            }
            semaphoreOffset = semaphore - data.virtualAddress() + data.offset();
        }
        return new UsdtProbe(c.binary, n, c.arch, c.shared, address, fileOffset, semaphore, semaphoreOffset);
    }

    /** The PT_LOAD segment whose memory image [vaddr, vaddr + memsz) holds {@code address}. */
    private static ElfSegment segment(ElfFile elf, long address) {
        for (ElfSegment s : elf.segments()) {
            if (s.isLoadable() && Long.compareUnsigned(address, s.virtualAddress()) >= 0
                    && Long.compareUnsigned(address - s.virtualAddress(), s.memorySize()) < 0) {
                return s;
            }
        }
        return null;
    }

    private static ObjectFormatException bad(Context c, StapsdtNote n, String problem) {
        return new ObjectFormatException(StapsdtNotes.SECTION, n.noteOffset(), "USDT probe " + n.probeName()
                + " in " + c.binary + ": " + problem);
    }

    private static BpfArgumentException notFound(Context c, String provider, String name) {
        if (c.notes.isEmpty()) {
            return new BpfArgumentException(c.binary + " has no USDT probes (no " + StapsdtNotes.SECTION + " notes); "
                    + "it was built without <sys/sdt.h> probes");
        }
        TreeSet<String> names = new TreeSet<>();
        for (StapsdtNote n : c.notes) names.add(n.probeName());
        TreeSet<String> sameProvider = new TreeSet<>();
        for (String s : names) if (s.startsWith(provider + ":")) sameProvider.add(s);
        TreeSet<String> shown = sameProvider.isEmpty() ? names : sameProvider;
        String list = shown.size() > 40 ? String.join(", ", new ArrayList<>(shown).subList(0, 40)) + ", ... ("
                + shown.size() + " in all)" : String.join(", ", shown);
        return new BpfArgumentException("USDT probe " + provider + ":" + name + " not found in " + c.binary
                + (sameProvider.isEmpty() ? "; its probes are " : "; provider " + provider + " has ") + list);
    }

    private static Path existing(Path binary) {
        if (binary == null) throw new BpfArgumentException("USDT binary must not be null");
        if (!Files.isRegularFile(binary)) {
            throw new BpfArgumentException("USDT binary " + binary + " does not exist or is not a regular file");
        }
        return binary;
    }
}
