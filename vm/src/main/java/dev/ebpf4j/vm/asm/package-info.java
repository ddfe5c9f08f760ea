/**
 * The uBPF / BPF-conformance text assembler (see UbpfAssembler). Internal to the VM.
 */
package dev.ebpf4j.vm.asm;
