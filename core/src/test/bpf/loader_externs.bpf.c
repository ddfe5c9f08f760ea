// SPDX-License-Identifier: GPL-2.0
/* __kconfig externs (virtual LINUX_* ones, bool, tristate, int, string, weak missing ones) and __ksym externs
 * (an untyped kernel symbol, a weak missing one, and a typed per-CPU variable in a program that is off by default:
 * the kernel needs the variable in kallsyms, i.e. CONFIG_KALLSYMS_ALL). */
#include "loader_common.h"

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig;
extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern enum libbpf_tristate CONFIG_KPROBES __kconfig __weak;
extern int CONFIG_HZ __kconfig;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig __weak;
extern bool CONFIG_EBPF4J_NO_SUCH_OPTION __kconfig __weak;
extern long CONFIG_EBPF4J_NO_SUCH_NUMBER __kconfig __weak;

extern const void bpf_prog_put __ksym;
extern const void ebpf4j_no_such_symbol __ksym __weak;
extern const int bpf_prog_active __ksym;

struct {
	__u64 kernel_version;
	__u64 has_cookie;
	__u64 has_wrapper;
	__u64 bpf_syscall;
	__u64 bpf_jit;
	__u64 kprobes;
	__u64 hz;
	__u64 missing_bool;
	__u64 missing_number;
	__u64 prog_put_address;
	__u64 missing_symbol_address;
	__u64 prog_active_seen;
	char hostname[16];
} seen;

SEC("syscall")
int read_config(void *ctx)
{
	seen.kernel_version = LINUX_KERNEL_VERSION;
	seen.has_cookie = LINUX_HAS_BPF_COOKIE;
	seen.has_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	seen.bpf_syscall = CONFIG_BPF_SYSCALL;
	seen.bpf_jit = CONFIG_BPF_JIT;
	seen.kprobes = CONFIG_KPROBES;
	seen.hz = CONFIG_HZ;
	seen.missing_bool = CONFIG_EBPF4J_NO_SUCH_OPTION;
	seen.missing_number = CONFIG_EBPF4J_NO_SUCH_NUMBER;
	seen.prog_put_address = (__u64)&bpf_prog_put;
	seen.missing_symbol_address = (__u64)&ebpf4j_no_such_symbol;
	__builtin_memcpy(seen.hostname, CONFIG_DEFAULT_HOSTNAME, sizeof(seen.hostname));
	return 0;
}

SEC("?syscall")
int read_percpu(void *ctx)
{
	int *active = bpf_this_cpu_ptr(&bpf_prog_active);

	seen.prog_active_seen = 1 + (*active >= 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
