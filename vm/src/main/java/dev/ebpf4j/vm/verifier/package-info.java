/**
 * The static verifier of kernel mode and the initialisation check of conformance mode. Internal to the VM.
 */
package dev.ebpf4j.vm.verifier;
