/**
 * Per-run execution state, the engine interface, tail-call driver and shared arithmetic. Internal to the VM.
 */
package dev.ebpf4j.vm.runtime;
