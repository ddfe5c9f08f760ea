package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmMaps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The program {@code prog run} runs: one loaded in the kernel named in bpftool's grammar ({@code id}, {@code pinned},
 * {@code tag}, {@code name}), or one loaded from an object file, in the kernel or in the userspace VM. The first word
 * decides: an existing file that starts with the ELF magic is an object, anything else is a PROG.
 *
 * <pre>{@code
 * ProgramSource s = ProgramSource.parse(words, false);   // words: "xdp.bpf.o", "program", "pass", ...
 * TestRunResult r = s.testRun(TestRun.withData(packet));
 * }</pre>
 */
sealed interface ProgramSource {
    /** Runs the program once per {@code run.repeat()} and returns what it produced. */
    TestRunResult testRun(TestRun run);

    /** Consumes the program's words: PROG, or OBJ [program NAME]. */
    static ProgramSource parse(Words words, boolean vm) {
        String first = words.peek();
        if (first != null && isElfFile(Path.of(first))) {
            Path object = Path.of(words.next("OBJ"));
            String name = null;
            if (words.take("program")) name = words.next("program name");
            return new FromObject(object, name, vm);
        }
        if (vm) {
            throw new UsageException("--vm runs a program from an object file: prog run --vm OBJ program NAME "
                    + "data_in FILE ...; '" + first + "' is not an ELF object file");
        }
        return new Loaded(ProgRef.parse(words));
    }

    /** A program the kernel holds. */
    record Loaded(ProgRef ref) implements ProgramSource {
        @Override
        public TestRunResult testRun(TestRun run) {
            try (Program prog = ref.openOne()) {
                return prog.testRun(run);
            }
        }
    }

    /** A program of an object file, loaded on its own (maps created, nothing pinned) in the kernel or the VM. */
    record FromObject(Path object, String program, boolean vm) implements ProgramSource {
        @Override
        public TestRunResult testRun(TestRun run) {
            ObjectSpec spec = withoutPinning(ObjectSpec.read(object));
            String name = program != null ? program : onlyProgram(spec);
            if (vm) {
                ProgramSpec p = spec.program(name);
                return Vm.load(p, VmMaps.of(spec.maps())).testRun(run);
            }
            try (BpfObject obj = BpfObject.load(spec.withAutoloadOnly(name))) {
                return obj.program(name).testRun(run);
            }
        }

        private String onlyProgram(ObjectSpec spec) {
            List<ProgramSpec> programs = spec.programs();
            if (programs.size() == 1) return programs.getFirst().name();
            throw new UsageException("missing 'program NAME': " + object + " has " + programs.size() + " programs "
                    + programs.stream().map(ProgramSpec::name).toList());
        }

        private static ObjectSpec withoutPinning(ObjectSpec spec) {
            ObjectSpec out = spec;
            for (MapSpec m : spec.maps()) {
                if (m.pinning().isPinned()) out = out.withMap(m.withPinning(MapSpec.Pinning.NONE));
            }
            return out;
        }
    }

    private static boolean isElfFile(Path p) {
        if (!Files.isRegularFile(p)) return false;
        try (InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }
}
