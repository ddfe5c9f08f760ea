package dev.ebpf4j.vm.runtime;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.vm.HelperRegistry;
import dev.ebpf4j.vm.VmHelper;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.VmProgram;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.context.ContextLayout;

/**
 * Everything the engines need about a verified program: its code (with map handles and context rewrites applied),
 * helpers by id, maps, options, context layout and the engine that runs it.
 *
 * <pre>{@code
 * LoadedProgram p = vmProgram.runtime();
 * long r0 = p.engine.run(execution, ctx, 0);
 * }</pre>
 */
public final class LoadedProgram {
    public final String name;
    public final ProgramType type;
    public final Code code;
    public final VmHelper[] helpers;
    public final HelperRegistry registry;
    public final VmMaps maps;
    public final VmOptions options;
    public final ContextLayout context;
    public Engine engine;
    public VmProgram owner;

    public LoadedProgram(String name, ProgramType type, Code code, HelperRegistry registry, VmMaps maps,
                         VmOptions options, ContextLayout context) {
        this.name = name;
        this.type = type;
        this.code = code;
        this.registry = registry;
        this.helpers = registry.implementations();
        this.maps = maps;
        this.options = options;
        this.context = context;
    }
}
