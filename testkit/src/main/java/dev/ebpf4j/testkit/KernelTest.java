package dev.ebpf4j.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test (class or method) that needs the real kernel's BPF subsystem. Without the privileges it needs, the test
 * is skipped with the reason; with {@code EBPF4J_REQUIRE_KERNEL=1} in the environment (as CI sets it) it fails
 * instead, so a CI machine that silently lost its privileges cannot pass.
 *
 * <pre>{@code
 * @KernelTest
 * class MapKernelTest { @Test void roundTrip() { ... } }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KernelTestExtension.class)
public @interface KernelTest {
}
