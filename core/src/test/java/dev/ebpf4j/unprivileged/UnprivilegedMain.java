package dev.ebpf4j.unprivileged;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Register;

/**
 * Run by {@link UnprivilegedTest} in a child JVM without privileges: tries what a user would try first and prints the
 * exception type and message of each attempt, one per line, so the test can read what an unprivileged user sees.
 */
public final class UnprivilegedMain {
    private UnprivilegedMain() {
    }

    public static void main(String[] args) {
        attempt("map", () -> BpfMap.create(MapSpec.hash("unpriv", 4, 8, 4)).close());
        attempt("prog", () -> Program.load(ProgramSpec.builder(ProgramType.XDP).name("unpriv")
                .instructions(new Asm().mov64(Register.R0, 2).exit().build()).build()).close());
        attempt("ids", () -> BpfMap.ids());
    }

    private static void attempt(String what, Runnable r) {
        try {
            r.run();
            System.out.println(what + "\tOK");
        } catch (BpfException e) {
            System.out.println(what + "\t" + e.getClass().getSimpleName() + "\t" + e.getMessage().replace('\n', ' '));
        }
    }
}
