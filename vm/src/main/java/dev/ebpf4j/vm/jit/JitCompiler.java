package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.runtime.Engine;
import dev.ebpf4j.vm.runtime.LoadedProgram;

/** Placeholder. */
public final class JitCompiler {
    private JitCompiler() {
    }

    public static final class Unsupported extends Exception {
        public Unsupported(String message) {
            super(message);
        }
    }

    public static Engine compile(LoadedProgram p) throws Unsupported {
        throw new Unsupported("not yet");
    }
}
