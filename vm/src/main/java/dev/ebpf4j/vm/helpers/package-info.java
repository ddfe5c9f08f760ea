/**
 * The built-in helper implementations (maps, time, trace, tail calls, ring buffers, bpf_loop) and the conformance suite's helper. Internal to the VM.
 */
package dev.ebpf4j.vm.helpers;
