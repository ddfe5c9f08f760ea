/**
 * The userspace BPF VM: runs BPF programs inside the JVM, where no kernel BPF is available (another OS, no
 * privileges, unit tests of BPF logic, replaying packets from a file) and as a safe embedded plugin engine.
 *
 * <h2>Public API</h2>
 * <ul>
 *   <li>{@link dev.ebpf4j.vm.Vm}: {@code load(ProgramSpec, VmMaps[, VmOptions])}, {@code loadConformance(insns,
 *   options)}.</li>
 *   <li>{@link dev.ebpf4j.vm.VmProgram}: {@code testRun(TestRun)} (the kernel's {@code BPF_PROG_TEST_RUN} fields:
 *   retval, ns per run, data out, ctx out), {@code run(byte[] memory)} (conformance style), {@code engine()},
 *   {@code jitFallbackReason()}.</li>
 *   <li>{@link dev.ebpf4j.vm.VmMaps} / {@link dev.ebpf4j.vm.VmMap} / {@link dev.ebpf4j.vm.VmRingBuffer} /
 *   {@link dev.ebpf4j.vm.VmProgramArray}: userspace maps, named by {@code lddw} through
 *   {@link dev.ebpf4j.asm.Instruction#reference()} (as the ELF loader's specs do) or a pseudo fd.</li>
 *   <li>{@link dev.ebpf4j.vm.HelperRegistry}, {@link dev.ebpf4j.vm.VmHelper}, {@link dev.ebpf4j.vm.HelperSignature},
 *   {@link dev.ebpf4j.vm.ArgType}, {@link dev.ebpf4j.vm.ReturnType}, {@link dev.ebpf4j.vm.HelperContext}: helpers,
 *   built-in and application-defined, with the signatures the verifier checks.</li>
 *   <li>{@link dev.ebpf4j.vm.VmOptions}: mode, engine, instruction budget, timeout, call depth, helpers, trace
 *   sink.</li>
 *   <li>Errors: {@link dev.ebpf4j.VerifierException} (refused at load), {@link dev.ebpf4j.vm.VmRuntimeException} and
 *   its subtypes (stopped at run time).</li>
 *   <li>{@link dev.ebpf4j.vm.asm.UbpfAssembler}: the uBPF/conformance text syntax.</li>
 * </ul>
 *
 * <h2>Modes</h2>
 * {@link dev.ebpf4j.vm.VmOptions.Mode#KERNEL} verifies statically like the kernel (see
 * {@link dev.ebpf4j.vm.verifier.Verifier}) and emulates the program type's context;
 * {@link dev.ebpf4j.vm.VmOptions.Mode#CONFORMANCE} runs ISA test vectors: r1 = a memory block, r2 = its length, only
 * structural and register-initialisation checks, and the runtime bounds checks keep every access inside the VM's
 * regions.
 *
 * <h2>Memory safety</h2>
 * A program only ever holds VM addresses ({@code region << 32 | offset}, see
 * {@link dev.ebpf4j.vm.mem.Addresses}); every load, store, atomic and helper access is checked against the region's
 * {@code byte[]} ({@link dev.ebpf4j.vm.mem.Memory}). Regions: context, stack (512 bytes per frame), packet, each map's
 * values, the ring buffer's data. No native memory is ever handed to a program. The JIT's region-specialised
 * accesses make the same check as a region tag compare plus the JVM's own array bounds check (see
 * {@code dev.ebpf4j.vm.jit.MemoryEmitter}); the verifier's knowledge only chooses which region to expect.
 *
 * <h2>Engines</h2>
 * The {@link dev.ebpf4j.vm.interp.Interpreter} runs everything; the {@link dev.ebpf4j.vm.jit.JitCompiler} turns each
 * program into a hidden JVM class with {@code java.lang.classfile}, cutting functions too large for HotSpot into
 * several methods, and falls back to the interpreter (saying why) when the class cannot be built.
 */
package dev.ebpf4j.vm;
