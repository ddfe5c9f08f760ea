package dev.ebpf4j.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Implements {@link KernelTest}: checks once per JVM whether this process may use {@code bpf()} (root, or CAP_BPF /
 * CAP_SYS_ADMIN), then skips or fails each kernel test accordingly.
 *
 * <pre>{@code
 * @ExtendWith(KernelTestExtension.class) class T { ... }   // what @KernelTest expands to
 * }</pre>
 */
public final class KernelTestExtension implements BeforeAllCallback, BeforeEachCallback {
    private static final String MISSING = KernelPrivileges.missingReason();

    @Override
    public void beforeAll(ExtensionContext context) {
        gate(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        gate(context);
    }

    private static void gate(ExtensionContext context) {
        if (MISSING == null) return;
        String where = context.getDisplayName();
        if (KernelPrivileges.required()) {
            throw new AssertionError("kernel test '" + where + "' cannot run: " + MISSING
                    + " (EBPF4J_REQUIRE_KERNEL=1 turns this skip into a failure)");
        }
        throw new TestAbortedException("skipped kernel test '" + where + "': " + MISSING
                + "; run as root (or with CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN) to run it");
    }
}
