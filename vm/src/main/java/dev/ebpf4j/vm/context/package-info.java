/**
 * Program contexts the VM emulates (xdp_md, __sk_buff) and BPF_PROG_TEST_RUN emulation. Internal to the VM.
 */
package dev.ebpf4j.vm.context;
