/**
 * Userspace map implementations: array, hash (and LRU), ring buffer, program array. Internal to the VM.
 */
package dev.ebpf4j.vm.maps;
