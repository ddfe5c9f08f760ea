/**
 * CO-RE ("compile once, run everywhere") relocation: adapting a clang-built program's field offsets, sizes,
 * existence checks, type ids and enumerator values from the types it was compiled against (the object's
 * {@code .BTF}) to the running kernel's BTF, following the object's {@code .BTF.ext} core_relo records — libbpf's
 * algorithm and failure behaviour, in Java. {@link dev.ebpf4j.btf.core.CoreRelocator} is the entry point.
 *
 * <pre>{@code
 * Btf objectBtf = Btf.parse(elf.bytes(elf.section(".BTF").orElseThrow()));
 * BtfExt ext = BtfExt.parse(elf.bytes(elf.section(".BTF.ext").orElseThrow()), objectBtf);
 * CoreResult r = CoreRelocator.forRunningKernel().apply("handle_exec", insns, objectBtf, ext.coreRelos(section));
 * r.notes().forEach(System.err::println);     // relocations the kernel could not satisfy
 * }</pre>
 */
package dev.ebpf4j.btf.core;
