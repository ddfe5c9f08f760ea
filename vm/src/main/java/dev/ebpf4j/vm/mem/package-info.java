/**
 * VM addresses and the bounds-checked memory accessors every access goes through. Internal to the VM.
 */
package dev.ebpf4j.vm.mem;
