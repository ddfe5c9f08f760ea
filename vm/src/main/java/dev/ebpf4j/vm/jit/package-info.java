/**
 * The JIT: one hidden JVM class per program, generated with java.lang.classfile. Internal to the VM.
 * {@link dev.ebpf4j.vm.jit.JitCompiler} drives it; {@code ClassEmitter} builds the class (dispatch, one method per
 * function or, for large functions, per {@code Segments} segment), {@code FunctionEmitter} the instructions,
 * {@code MemoryEmitter} and {@code RegionAccess} the region-specialised loads and stores, {@code Locals} the local
 * variable layouts.
 */
package dev.ebpf4j.vm.jit;
