package dev.ebpf4j;

import dev.ebpf4j.asm.Instruction;

import java.util.List;
import java.util.Objects;

/**
 * The kernel-independent description of a BPF program: what {@link Program#load(ProgramSpec)} loads. Immutable; edit
 * with {@link #toBuilder()}. Specs come from a parsed object (with their section name) or are built in Java.
 *
 * <pre>{@code
 * ProgramSpec pass = ProgramSpec.builder(ProgramType.XDP)
 *         .name("pass")
 *         .instructions(new Asm().mov64(R0, 2).exit().build())   // XDP_PASS
 *         .license("GPL")
 *         .build();
 * }</pre>
 *
 * @param name               program name (the kernel keeps the first 15 bytes)
 * @param type               program type
 * @param expectedAttachType where it will attach, when the type needs to know at load (cgroup, tracing, ...)
 * @param sectionName        the ELF section it came from ("" when built in Java)
 * @param attachTo           attach target parsed from the section name ("syscalls/sys_enter_openat", a function)
 * @param attachBtfId        BTF id of the attach target (tp_btf, fentry, iter, lsm), 0 when not needed
 * @param attachBtfObjFd     fd of the module BTF holding {@code attachBtfId}, 0 for vmlinux
 * @param license            license string; GPL-only helpers need a GPL-compatible one
 * @param flags              {@link ProgramFlags} bits
 * @param kernelVersion      kernel version code (only checked by very old kernels for kprobes)
 * @param ifindex            device for offloaded/dev-bound programs, else 0
 * @param instructions       the program
 * @param btf                BTF, func_info and line_info for the program, or null
 * @param attachProgFd       fd of the loaded program whose function {@code attachBtfId} names (freplace, and
 *                           fentry/fexit on BPF programs), 0 for kernel targets
 * @param structOpsMember    for {@link ProgramType#STRUCT_OPS} programs: the index of the kernel struct member (function
 *                           pointer) the program implements, which the kernel takes as expected attach type
 */
public record ProgramSpec(String name, ProgramType type, AttachType expectedAttachType, String sectionName,
                          String attachTo, int attachBtfId, int attachBtfObjFd, String license, int flags,
                          int kernelVersion, int ifindex, List<Instruction> instructions, ProgramBtf btf,
                          int attachProgFd, int structOpsMember) {

    /** The components before attach program fds and struct_ops members existed (both 0). */
    public ProgramSpec(String name, ProgramType type, AttachType expectedAttachType, String sectionName,
                       String attachTo, int attachBtfId, int attachBtfObjFd, String license, int flags,
                       int kernelVersion, int ifindex, List<Instruction> instructions, ProgramBtf btf) {
        this(name, type, expectedAttachType, sectionName, attachTo, attachBtfId, attachBtfObjFd, license, flags,
                kernelVersion, ifindex, instructions, btf, 0, 0);
    }

    public ProgramSpec {
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
        sectionName = sectionName == null ? "" : sectionName;
        attachTo = attachTo == null ? "" : attachTo;
        license = license == null ? "GPL" : license;
        instructions = List.copyOf(Objects.requireNonNull(instructions, "instructions"));
    }

    /**
     * BTF information handed to the kernel with the program so that verifier logs show C source lines: the object's
     * raw BTF, and the func_info / line_info records ({@code struct bpf_func_info}, {@code struct bpf_line_info}) with
     * instruction offsets relative to this program.
     */
    public record ProgramBtf(byte[] rawBtf, byte[] funcInfo, int funcInfoRecordSize, int funcInfoCount,
                             byte[] lineInfo, int lineInfoRecordSize, int lineInfoCount) {
    }

    public static Builder builder(ProgramType type) {
        return new Builder(type);
    }

    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.name = name;
        b.expectedAttachType = expectedAttachType;
        b.sectionName = sectionName;
        b.attachTo = attachTo;
        b.attachBtfId = attachBtfId;
        b.attachBtfObjFd = attachBtfObjFd;
        b.license = license;
        b.flags = flags;
        b.kernelVersion = kernelVersion;
        b.ifindex = ifindex;
        b.instructions = instructions;
        b.btf = btf;
        b.attachProgFd = attachProgFd;
        b.structOpsMember = structOpsMember;
        return b;
    }

    /** "program 'name' (type)" or "program 'name' (section)" for messages. */
    public String describe() {
        return "program '" + name + "' (" + (sectionName.isEmpty() ? type.bpftoolName() : sectionName) + ")";
    }

    @Override
    public String toString() {
        return "ProgramSpec[" + describe() + ", " + instructions.size() + " instructions]";
    }

    /** Mutable builder. */
    public static final class Builder {
        private final ProgramType type;
        private String name = "";
        private AttachType expectedAttachType;
        private String sectionName = "";
        private String attachTo = "";
        private int attachBtfId;
        private int attachBtfObjFd;
        private String license = "GPL";
        private int flags;
        private int kernelVersion;
        private int ifindex;
        private List<Instruction> instructions = List.of();
        private ProgramBtf btf;
        private int attachProgFd;
        private int structOpsMember;

        private Builder(ProgramType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder name(String v) { this.name = v; return this; }
        public Builder expectedAttachType(AttachType v) { this.expectedAttachType = v; return this; }
        public Builder sectionName(String v) { this.sectionName = v; return this; }
        public Builder attachTo(String v) { this.attachTo = v; return this; }
        public Builder attachBtfId(int v) { this.attachBtfId = v; return this; }
        public Builder attachBtfObjFd(int v) { this.attachBtfObjFd = v; return this; }
        public Builder license(String v) { this.license = v; return this; }
        public Builder flags(int v) { this.flags = v; return this; }
        public Builder kernelVersion(int v) { this.kernelVersion = v; return this; }
        public Builder ifindex(int v) { this.ifindex = v; return this; }
        public Builder instructions(List<Instruction> v) { this.instructions = v; return this; }
        public Builder btf(ProgramBtf v) { this.btf = v; return this; }
        public Builder attachProgFd(int v) { this.attachProgFd = v; return this; }
        public Builder structOpsMember(int v) { this.structOpsMember = v; return this; }

        public ProgramSpec build() {
            return new ProgramSpec(name, type, expectedAttachType, sectionName, attachTo, attachBtfId, attachBtfObjFd,
                    license, flags, kernelVersion, ifindex, instructions, btf, attachProgFd, structOpsMember);
        }
    }
}
