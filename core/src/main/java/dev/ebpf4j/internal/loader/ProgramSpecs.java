package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ProgramSections;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;

/**
 * Builds the {@link ProgramSpec} of an object's program: type, expected attach type, attach target and flags from
 * its section; license and kernel version from the object; the linked instructions; func_info and line_info encoded
 * against a BTF blob.
 *
 * <pre>{@code
 * ProgramSpec spec = ProgramSpecs.of(model, definition, model.btfBlob()).build();
 * }</pre>
 */
public final class ProgramSpecs {
    private ProgramSpecs() {
    }

    /** A builder prefilled for {@code d}; {@code blob} (may be null) is the BTF the program will be loaded with. */
    public static ProgramSpec.Builder of(ObjectModel model, ProgramDefinition d, BtfBlob blob) {
        ProgramSections.Match m = d.match();
        ProgramSpec.Builder b = ProgramSpec.builder(m == null ? ProgramType.UNSPEC : m.definition().programType())
                .name(d.name())
                .sectionName(d.section())
                .license(model.license())
                .kernelVersion(model.kernelVersion())
                .instructions(d.code().instructions());
        if (m != null) {
            b.expectedAttachType(m.definition().attachType()).attachTo(m.target()).flags(m.programFlags());
        }
        if (blob != null && !d.code().funcInfos().isEmpty()) b.btf(ProgramBtfEncoder.encode(d.code(), blob));
        return b;
    }
}
