/**
 * USDT (user statically defined tracing) probes of executables and shared libraries, read without a kernel: the
 * probe sites of a binary's {@code .note.stapsdt} notes with their file offsets and semaphores
 * ({@link dev.ebpf4j.link.usdt.UsdtProbes}, {@link dev.ebpf4j.link.usdt.UsdtProbe}), and their argument
 * specifications parsed for x86-64 and aarch64 ({@link dev.ebpf4j.link.usdt.UsdtArguments},
 * {@link dev.ebpf4j.link.usdt.UsdtArgument}). {@link dev.ebpf4j.link.UsdtLink} attaches programs to them.
 *
 * <p>What is supported: ELF64 executables (ET_EXEC, position-independent ET_DYN) and shared libraries; probes with
 * and without semaphores; arguments in registers (every x86-64 register name and width; aarch64 {@code x}/{@code w}
 * registers and {@code sp}), in memory at a register plus a constant offset, and constants. Not supported (a
 * {@link dev.ebpf4j.NotSupportedException} naming the probe): x86 scaled-index operands
 * ({@code 8@-8(%rbp,%rax,8)}), symbol-relative operands ({@code 4@counter(%rip)}) and high-byte registers
 * ({@code %ah}), which libbpf 1.1's {@code <bpf/usdt.bpf.h>} cannot describe either.
 *
 * <pre>{@code
 * for (UsdtProbe p : UsdtProbes.find(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so"),
 *         "hotspot", "gc__begin")) {
 *     System.out.println(p.describe() + " " + p.arguments());   // two sites: 1@%dil and 1@$1
 * }
 * }</pre>
 */
package dev.ebpf4j.link.usdt;
