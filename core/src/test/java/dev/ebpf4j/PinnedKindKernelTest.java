package dev.ebpf4j;

import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.link.LinkHandle;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static dev.ebpf4j.asm.Register.R0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Opening a pin checks what is pinned there: a program is not opened as a map (and so on), and no fd leaks. */
@KernelTest
class PinnedKindKernelTest {
    private static Path pinPath(String what) {
        return Path.of("/sys/fs/bpf/ebpf4j-kind-" + what + "-" + ProcessHandle.current().pid() + "-"
                + ThreadLocalRandom.current().nextInt(1_000_000));
    }


    @Test
    void aProgramPinIsNotAMapOrALink() throws Exception {
        Path pin = pinPath("prog");
        try (Program p = Program.load(ProgramSpec.builder(ProgramType.XDP).name("pass")
                .instructions(new Asm().mov64(R0, 2).exit().build()).build())) {
            p.pin(pin);
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            BpfArgumentException asMap = assertThrows(BpfArgumentException.class, () -> BpfMap.fromPinned(pin));
            assertEquals("incorrect object type: " + pin + " holds a program, not a map", asMap.getMessage());
            BpfArgumentException asLink = assertThrows(BpfArgumentException.class, () -> LinkHandle.fromPinned(pin));
            assertEquals("incorrect object type: " + pin + " holds a program, not a link", asLink.getMessage());
            assertEquals(java.util.Map.of(), before.openedSince(), "the descriptors opened for the check are closed again");
            try (Program again = Program.fromPinned(pin)) {
                assertEquals(p.id(), again.id());
            }
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void aMapPinIsNotAProgram() throws Exception {
        Path pin = pinPath("map");
        try (BpfMap m = BpfMap.create(MapSpec.array("kind", 8, 1))) {
            m.pin(pin);
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> Program.fromPinned(pin));
            assertEquals("incorrect object type: " + pin + " holds a map, not a program", e.getMessage());
            try (BpfMap again = BpfMap.fromPinned(pin)) {
                assertEquals(m.id(), again.id());
            }
        } finally {
            Files.deleteIfExists(pin);
        }
    }
}
