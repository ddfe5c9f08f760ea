package dev.ebpf4j.link.usdt;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.elf.StapsdtNote;
import dev.ebpf4j.elf.StapsdtNotes;

import java.nio.file.Path;
import java.util.List;

/**
 * One USDT probe site of a binary, ready to attach: the {@code stapsdt} note it comes from, its address corrected for
 * prelinking, the file offset a uprobe is placed at, and its semaphore's address and file offset (the uprobe's
 * reference counter, which the kernel increments while the probe is attached). A probe name used at several places
 * in the code has one {@code UsdtProbe} per site.
 *
 * <pre>{@code
 * for (UsdtProbe p : UsdtProbes.read(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so"))) {
 *     System.out.println(p.describe() + " " + p.arguments());
 * }
 * }</pre>
 *
 * @param binary           the file the probe is in
 * @param note             the note describing it
 * @param architecture     the binary's architecture, or null when ebpf4j cannot read its argument specifications
 * @param sharedObject     true for ELF type ET_DYN (shared libraries and position-independent executables: mapped at
 *                         a different address in every process)
 * @param address          the probe site's virtual address: {@code note.location()}, plus the difference between
 *                         {@code .stapsdt.base}'s address and {@code note.base()} when the file has that section
 *                         (a prelinked file moved its sections but not its notes)
 * @param fileOffset       where {@code address} is in the file (through the executable PT_LOAD segment holding it)
 * @param semaphoreAddress the semaphore's virtual address (adjusted like {@code address}), 0 when none
 * @param semaphoreOffset  the semaphore's file offset (through the writable PT_LOAD segment holding it), 0 when none
 */
public record UsdtProbe(Path binary, StapsdtNote note, UsdtArchitecture architecture, boolean sharedObject,
                        long address, long fileOffset, long semaphoreAddress, long semaphoreOffset) {

    /** The provider, e.g. {@code hotspot}. */
    public String provider() {
        return note.provider();
    }

    /** The probe name, e.g. {@code gc__begin}. */
    public String name() {
        return note.name();
    }

    /** The argument specification as the note writes it. */
    public String argumentSpec() {
        return note.arguments();
    }

    /** True when the probe has a semaphore (it fires only while a tracer has incremented it). */
    public boolean hasSemaphore() {
        return semaphoreAddress != 0;
    }

    /**
     * The parsed arguments.
     *
     * @throws ObjectFormatException  when the specification is malformed (the message names the probe)
     * @throws NotSupportedException when an argument cannot be described to {@code usdt.bpf.h}, or the binary's
     *                                architecture is not one ebpf4j reads arguments of
     */
    public List<UsdtArgument> arguments() {
        if (architecture == null) {
            throw NotSupportedException.notImplemented("USDT arguments on this architecture", describe() + ": the "
                    + "binary is not x86-64 or aarch64");
        }
        try {
            return UsdtArguments.parse(note.arguments(), architecture);
        } catch (ObjectFormatException e) {
            throw new ObjectFormatException(StapsdtNotes.SECTION, note.noteOffset(), describe() + ": "
                    + e.getMessage(), e);
        } catch (BpfException e) {
            throw e.withContext(describe());
        }
    }

    /** {@code USDT probe PROVIDER:NAME at 0xADDRESS (file offset 0xOFFSET) in BINARY}. */
    public String describe() {
        return "USDT probe " + note.probeName() + " at 0x" + Long.toHexString(address) + " (file offset 0x"
                + Long.toHexString(fileOffset) + ") in " + binary;
    }
}
