package dev.ebpf4j;

/**
 * What {@code BPF_PROG_TEST_RUN} returned: the program's return value, the mean duration per run as the kernel
 * measured it, and the output data and context.
 *
 * <pre>{@code
 * TestRunResult r = prog.testRun(TestRun.withData(pkt));
 * if (r.returnValue() == 2) System.out.println("XDP_PASS, " + r.dataOut().length + " bytes out");
 * }</pre>
 */
public record TestRunResult(long returnValue, long durationNs, byte[] dataOut, byte[] ctxOut) {
}
