package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * freplace target resolution without a kernel: the target program's BTF (here: the object's own, as the target was
 * loaded with it) gives the replaced function's id; the program's fd goes to attach_prog_fd.
 */
class FreplaceTargetTest {
    private static final ObjectModel MODEL = ObjectParser.parse(ElfFile.read(TestObjects.bpf("loader_freplace")),
            "loader_freplace.bpf.o");

    /** A kernel whose loaded programs carry the BTF the test chooses (null: no BTF). */
    private record Kernel(Map<Integer, Btf> programs) implements KernelView {
        @Override public int versionCode() { return 0x061200; }
        @Override public Optional<String> config(String name) { return Optional.empty(); }
        @Override public boolean hasBpfCookie() { return true; }
        @Override public boolean hasSyscallWrapper() { return true; }
        @Override public Btf vmlinux() { throw new BpfException("no vmlinux BTF needed"); }
        @Override public List<String> moduleNames() { return List.of(); }
        @Override public Btf module(String name) { throw new BpfException("no modules"); }
        @Override public Fd moduleBtfFd(String name) { throw new UnsupportedOperationException(); }
        @Override public OptionalLong symbolAddress(String name) { return OptionalLong.empty(); }
        @Override public Btf programBtf(int fd) { return programs.get(fd); }
    }

    private static ProgramDefinition replacement() {
        return MODEL.programs().stream().filter(p -> p.name().equals("always_drop")).findFirst().orElseThrow();
    }

    @Test
    void theFunctionTheSectionNamesIsLookedUpInTheTargetsBtf() {
        Kernel k = new Kernel(Map.of(42, MODEL.btf()));
        AttachTargetResolver.Target t = AttachTargetResolver.resolve(replacement(), k,
                new AttachTargetResolver.ProgramTarget(42, null, "program 'freplace_target' (xdp)"));
        assertEquals(MODEL.btf().findId("decide", BtfKind.FUNC).orElseThrow(), t.btfId());
        assertEquals(42, t.attachProgFd());
        assertNull(t.moduleFd());
        AttachTargetResolver.Target named = AttachTargetResolver.resolve(replacement(), k,
                new AttachTargetResolver.ProgramTarget(42, "freplace_target", "program 'freplace_target' (xdp)"));
        assertEquals(MODEL.btf().findId("freplace_target", BtfKind.FUNC).orElseThrow(), named.btfId());
    }

    @Test
    void missingTargetsAndTargetsWithoutBtfAreNamed() {
        BpfArgumentException none = assertThrows(BpfArgumentException.class,
                () -> AttachTargetResolver.resolve(replacement(), new Kernel(Map.of())));
        assertTrue(none.getMessage().contains("withAttachTarget(\"always_drop\", targetProgram)"), none.getMessage());
        BpfArgumentException noBtf = assertThrows(BpfArgumentException.class,
                () -> AttachTargetResolver.resolve(replacement(), new Kernel(Map.of()),
                        new AttachTargetResolver.ProgramTarget(7, null, "program 'x' (xdp)")));
        assertTrue(noBtf.getMessage().startsWith("the attach target program 'x' (xdp) was loaded without BTF"),
                noBtf.getMessage());
        BpfArgumentException missing = assertThrows(BpfArgumentException.class,
                () -> AttachTargetResolver.functionId(MODEL.btf(), "nope", "program 'x'"));
        assertEquals("program 'x' has no function 'nope' in its BTF; its functions are [decide, freplace_target, "
                + "always_drop]", missing.getMessage());
    }
}
