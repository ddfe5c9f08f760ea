package dev.ebpf4j.objects;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.TracingLink;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * freplace programs in objects (loader_freplace.bpf.c): the replacement names its target program through
 * {@link BpfObject.LoadOptions#withAttachTarget}; the function's id comes from the target's BTF as the kernel holds
 * it. This kernel refuses BPF trampolines, which EXT programs need: loading fails with a clear
 * {@link NotSupportedException}; on a kernel with trampolines the replacement is attached and changes the verdict.
 */
@KernelTest
class ObjectFreplaceKernelTest {
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;

    private static ObjectSpec spec() {
        return Corpus.spec("loader_freplace");
    }

    @Test
    void aReplacementLoadsAgainstItsTargetProgramOrFailsClearlyWithoutTrampolines() {
        try (BpfObject target = BpfObject.load(spec())) {
            Program prog = target.program("freplace_target");
            assertEquals(List.of("freplace_target"), List.copyOf(target.programs().keySet()), "freplace is off");
            assertEquals(XDP_DROP, prog.testRun(TestRun.withData(new byte[100])).returnValue());
            assertEquals(XDP_PASS, prog.testRun(TestRun.withData(new byte[20])).returnValue());

            ObjectSpec replacement = spec().withAutoloadOnly("always_drop");
            BpfObject.LoadOptions options = BpfObject.LoadOptions.DEFAULT.withAttachTarget("always_drop", prog);
            BpfObject ext;
            try {
                ext = BpfObject.load(replacement, options);
            } catch (NotSupportedException e) {
                assertEquals("freplace (EXT) programs", e.feature());
                assertEquals("5.5", e.minimumKernel());
                assertTrue(e.getMessage().startsWith("object 'loader_freplace.bpf.o': program 'always_drop' "
                        + "(?freplace/decide): freplace (EXT) programs is not supported by this kernel: BPF trampolines "
                        + "are unavailable here: loading the program returned EPERM"), e.getMessage());
                assertTrue(e.getMessage().contains("replace the function through a prog array tail call instead"),
                        e.getMessage());
                return;
            }
            try (ext) {
                Program p = ext.program("always_drop");
                assertEquals(ProgramType.EXT, p.type());
                Link l = ext.attach("always_drop");
                assertInstanceOf(TracingLink.class, l);
                assertEquals(XDP_DROP, prog.testRun(TestRun.withData(new byte[20])).returnValue(), "replaced");
                l.close();
                assertEquals(XDP_PASS, prog.testRun(TestRun.withData(new byte[20])).returnValue(), "restored");
            }
        }
    }

    @Test
    void aReplacementWithoutTargetSaysHowToNameIt() {
        BpfArgumentException e = assertThrows(BpfArgumentException.class,
                () -> BpfObject.load(spec().withAutoloadOnly("always_drop")).close());
        assertEquals("object 'loader_freplace.bpf.o': program 'always_drop' (?freplace/decide): an freplace program "
                + "replaces a function ('decide') of another loaded program, which must be named: "
                + "BpfObject.LoadOptions.withAttachTarget(\"always_drop\", targetProgram)", e.getMessage());
    }

    @Test
    void targetFunctionsAreLookedUpInTheTargetsBtf() {
        try (BpfObject target = BpfObject.load(spec())) {
            Program prog = target.program("freplace_target");
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> BpfObject.load(
                    spec().withAutoloadOnly("always_drop"),
                    BpfObject.LoadOptions.DEFAULT.withAttachTarget("always_drop", prog, "no_such_function")).close());
            assertEquals("object 'loader_freplace.bpf.o': program 'always_drop' (?freplace/decide): the attach target "
                    + "program 'freplace_target' (xdp) has no function 'no_such_function' in its BTF; its functions "
                    + "are [decide, freplace_target, always_drop]", e.getMessage());
            BpfArgumentException unknown = assertThrows(BpfArgumentException.class, () -> BpfObject.load(spec(),
                    BpfObject.LoadOptions.DEFAULT.withAttachTarget("not_a_program", prog)).close());
            assertTrue(unknown.getMessage().contains("an attach target is given for program 'not_a_program', which "
                    + "the object does not have"), unknown.getMessage());
            BpfArgumentException notExt = assertThrows(BpfArgumentException.class,
                    () -> TracingLink.attachFreplace(prog, prog, "decide"));
            assertTrue(notExt.getMessage().contains("needs a program of type ext, got xdp"), notExt.getMessage());
        }
    }
}
