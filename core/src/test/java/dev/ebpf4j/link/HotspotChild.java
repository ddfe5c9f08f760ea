package dev.ebpf4j.link;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of {@link HotspotUsdtKernelTest}: prints "ready PID", waits for a line on stdin (the test attaches
 * its USDT probes to this pid meanwhile), then loads class {@link Loaded}, starts and joins thread
 * "ebpf4j-usdt-child", calls {@code System.gc()} twice and prints "done JAVA_TID" (the thread's Java id).
 */
public final class HotspotChild {
    /** Loaded only after the test attached: its hotspot:class__loaded event is the test's to see. */
    static final class Loaded {
        static int touch() {
            return 42;
        }
    }

    private HotspotChild() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (in.readLine() == null) System.exit(3);
        if (Loaded.touch() != 42) System.exit(4);
        Thread t = new Thread(() -> { }, "ebpf4j-usdt-child");
        t.start();
        t.join();
        System.gc();
        System.gc();
        System.out.println("done " + t.threadId());
        System.out.flush();
    }
}
