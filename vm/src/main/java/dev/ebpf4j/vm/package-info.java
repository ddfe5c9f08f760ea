/**
 * Userspace BPF runtime: verifier, interpreter and JIT to JVM bytecode (issue: Userspace VM).
 */
package dev.ebpf4j.vm;
