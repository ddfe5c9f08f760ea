/**
 * The JIT: one hidden JVM class per program, generated with java.lang.classfile. Internal to the VM.
 */
package dev.ebpf4j.vm.jit;
