package dev.ebpf4j;

/**
 * Options for {@link Program#testRun(TestRun)} ({@code BPF_PROG_TEST_RUN}): input packet data, context, repeat
 * count, and how much output to accept.
 *
 * <pre>{@code
 * TestRunResult r = xdp.testRun(TestRun.withData(packet).repeat(1000));
 * System.out.println(r.returnValue() + " in " + r.durationNs() + " ns per run");
 * }</pre>
 *
 * @param dataIn       packet data given to the program (may be null for context-only program types)
 * @param dataOutSize  bytes of output data to accept (0: input size + 256)
 * @param ctxIn        context given to the program (e.g. {@code struct __sk_buff}, {@code xdp_md}), or null
 * @param ctxOutSize   bytes of output context to accept (0: none)
 * @param repeat       how many times to run (the duration is the mean)
 * @param flags        BPF_F_TEST_RUN_ON_CPU (1), BPF_F_TEST_XDP_LIVE_FRAMES (2)
 * @param cpu          CPU to run on with BPF_F_TEST_RUN_ON_CPU
 * @param batchSize    batch size for XDP live frames
 */
public record TestRun(byte[] dataIn, int dataOutSize, byte[] ctxIn, int ctxOutSize, int repeat, int flags, int cpu,
                      int batchSize) {
    public static final int F_RUN_ON_CPU = 1;
    public static final int F_XDP_LIVE_FRAMES = 2;

    /** Run once on {@code data}. */
    public static TestRun withData(byte[] data) {
        return new TestRun(data, 0, null, 0, 1, 0, 0, 0);
    }

    /** Run once with only a context (raw tracepoint, syscall programs). */
    public static TestRun withContext(byte[] ctx) {
        return new TestRun(null, 0, ctx, 0, 1, 0, 0, 0);
    }

    public TestRun repeat(int n) {
        return new TestRun(dataIn, dataOutSize, ctxIn, ctxOutSize, n, flags, cpu, batchSize);
    }

    public TestRun dataOutSize(int n) {
        return new TestRun(dataIn, n, ctxIn, ctxOutSize, repeat, flags, cpu, batchSize);
    }

    public TestRun context(byte[] ctx) {
        return new TestRun(dataIn, dataOutSize, ctx, ctxOutSize, repeat, flags, cpu, batchSize);
    }

    public TestRun contextOutSize(int n) {
        return new TestRun(dataIn, dataOutSize, ctxIn, n, repeat, flags, cpu, batchSize);
    }

    public TestRun onCpu(int cpuNumber) {
        return new TestRun(dataIn, dataOutSize, ctxIn, ctxOutSize, repeat, flags | F_RUN_ON_CPU, cpuNumber, batchSize);
    }

    public TestRun flags(int f) {
        return new TestRun(dataIn, dataOutSize, ctxIn, ctxOutSize, repeat, f, cpu, batchSize);
    }
}
