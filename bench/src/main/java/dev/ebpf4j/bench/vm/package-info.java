/**
 * JMH benchmarks of the userspace VM: the interpreter and the JIT against the kernel's JIT
 * ({@code BPF_PROG_TEST_RUN} with {@code repeat}) on three XDP programs, scored in nanoseconds per executed BPF
 * instruction: {@link dev.ebpf4j.bench.vm.AluLoopBenchmark} (ALU and stack loop),
 * {@link dev.ebpf4j.bench.vm.PacketLoopBenchmark} (a bounds-checked byte loop over the packet) and
 * {@link dev.ebpf4j.bench.vm.ParserBenchmark} (Ethernet/IPv4/UDP header walk counting into a hash map).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar 'dev.ebpf4j.bench.vm' -f 3
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.ebpf4j.bench.vm.CpuTimeComparison
 * </pre>
 *
 * <p>The kernel's figure to compare with is its own measurement, {@code kernel:kernelNanos} /
 * {@code kernel:kernelInstructions} (the wall-clock {@code kernel} score includes the system call's set-up). On a
 * machine shared with other work, wall-clock JMH scores of the VM swing with the load (the kernel's measurement
 * excludes time the test run was rescheduled); {@link dev.ebpf4j.bench.vm.CpuTimeComparison} times the VM by thread
 * CPU time instead, alternating with the kernel.
 *
 * <p>Results on the development VM (2 vCPUs, AMD EPYC 2.6 GHz, Linux 6.18, JDK 25), never quiet while measured
 * (load average 4 to 7 from other work), median ns per instruction, before and after the JIT's region-specialised
 * memory accesses, unsigned compares, back edges and function segments. {@code CpuTimeComparison} (5 rounds;
 * kernel = its own test-run duration):
 * <table>
 *   <caption>ns per instruction, thread CPU time</caption>
 *   <tr><th>program</th><th>interpreter</th><th>JIT before</th><th>JIT after</th><th>kernel</th>
 *       <th>JIT/kernel before</th><th>after</th></tr>
 *   <tr><td>ALU loop (10010 insns)</td><td>2.69</td><td>0.128</td><td>0.065</td><td>0.065-0.082</td>
 *       <td>1.56</td><td>1.00</td></tr>
 *   <tr><td>packet loop (9302 insns)</td><td>3.4-3.7</td><td>0.175</td><td>0.121</td><td>0.068-0.082</td>
 *       <td>2.56</td><td>1.47</td></tr>
 *   <tr><td>parser (41 insns)</td><td>4.8-4.9</td><td>1.32</td><td>1.15</td><td>1.71-1.73</td>
 *       <td>0.77</td><td>0.67</td></tr>
 * </table>
 * JMH wall clock ({@code -f 3 -wi 3 -i 5}, load 4.3-5.5) for the same programs, JIT before / after / kernel (its
 * own duration): ALU 0.129 / 0.101 / 0.066-0.109, packet 0.247 / 0.194 / 0.070-0.084, parser 2.17 / 1.60 /
 * 1.76-2.37; a second run of the JIT after (load 3.1-5.3): ALU 0.122 (kernel 0.062), packet 0.117 (kernel 0.071,
 * 1.64x), parser 1.90 (kernel 1.86). The VM's wall-clock scores carry the time it waited for a CPU.
 * The parser's time per run is dominated by per-run costs (the VM's run set-up of about 8 ns, the hash map lookup
 * helper, the locked atomic adds; the kernel's test-run loop), where the VM is ahead.
 */
package dev.ebpf4j.bench.vm;
