/**
 * The interpreter engine. Internal to the VM.
 */
package dev.ebpf4j.vm.interp;
