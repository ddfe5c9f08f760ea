/**
 * Start-up benchmark support (pair 7): {@link dev.ebpf4j.bench.startup.MiniExecsnoop}, a minimal ebpf4j execsnoop
 * measured with and without the JDK's class-data sharing and AOT cache until the CLI's {@code ebpf4j execsnoop} is
 * available.
 */
package dev.ebpf4j.bench.startup;
