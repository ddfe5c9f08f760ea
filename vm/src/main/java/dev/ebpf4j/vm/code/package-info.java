/**
 * The decoded program form shared by verifier, interpreter and JIT, and the structural checks every program passes. Internal to the VM.
 */
package dev.ebpf4j.vm.code;
