// SPDX-License-Identifier: GPL-2.0
/*
 * CO-RE against the running kernel (CoreRelocatorKernelTest). Every program is a socket filter whose return value
 * is computed from relocated values; the local struct definitions below deliberately differ from the kernel's
 * (member order, member sizes, flavors, missing members) so that relocation has to change every value.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	unsigned long long flags;	/* unsigned int in the kernel: the load size is rewritten */
	char comm[16];
	int tgid;
	int pid;
} __attribute__((preserve_access_index));

/* A flavor: matches the kernel's task_struct; one member exists nowhere. */
struct task_struct___old {
	int no_such_member_anywhere;
	int pid;
} __attribute__((preserve_access_index));

struct list_head {
	struct list_head *next, *prev;
} __attribute__((preserve_access_index));

struct list_head___bad {
	int next;
} __attribute__((preserve_access_index));

struct no_such_kernel_type {
	int x;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_SID = 100 };
enum pid_type___v2 { PIDTYPE_PGID___v2 = 200, PIDTYPE_NO_SUCH_ENUMERATOR = 300 };

/* A 64-bit enum in the kernel (values like -128 as u64); locally too, with other values. */
enum perf_callchain_context { PERF_CONTEXT_KERNEL = 1, PERF_CONTEXT_LOCAL_BIG = 0x100000000ULL };

enum bpf_iter_state___local { BPF_ITER_STATE_ACTIVE___local = 9 };

/* The kernel's bpf_reg_state has an anonymous union holding iter { btf; btf_id; state:2; depth:30 }. */
struct bpf_reg_state {
	union {
		struct {
			void *btf;
			unsigned int btf_id;
			enum bpf_iter_state___local state : 2;
			int depth : 30;
		} iter;
	};
} __attribute__((preserve_access_index));

SEC("socket")
int pid_offset(void *ctx)
{
	return bpf_core_field_offset(struct task_struct, pid);
}

SEC("socket")
int comm_size(void *ctx)
{
	return bpf_core_field_size(struct task_struct, comm);
}

SEC("socket")
int comm2_offset(void *ctx)
{
	return bpf_core_field_offset(struct task_struct, comm[2]);
}

SEC("socket")
int flavor_exists(void *ctx)
{
	return bpf_core_field_exists(struct task_struct___old, pid) * 10
		+ bpf_core_field_exists(struct task_struct___old, no_such_member_anywhere);
}

SEC("socket")
int read_tgid(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, tgid);
}

SEC("socket")
int read_pid_flavor(void *ctx)
{
	struct task_struct___old *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, pid);
}

SEC("socket")
int direct_pid(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();

	return t->pid;
}

SEC("socket")
int direct_flags(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();

	return t->flags;
}

SEC("socket")
int types(void *ctx)
{
	return bpf_core_type_exists(struct task_struct)
		+ bpf_core_type_exists(struct no_such_kernel_type) * 2
		+ bpf_core_type_matches(struct list_head) * 4
		+ bpf_core_type_matches(struct list_head___bad) * 8;
}

SEC("socket")
int task_size(void *ctx)
{
	return bpf_core_type_size(struct task_struct);
}

SEC("socket")
int task_id(void *ctx)
{
	return bpf_core_type_id_kernel(struct task_struct);
}

SEC("socket")
int enums(void *ctx)
{
	return bpf_core_enum_value(enum pid_type, PIDTYPE_SID)
		+ bpf_core_enum_value_exists(enum pid_type___v2, PIDTYPE_PGID___v2) * 16
		+ bpf_core_enum_value_exists(enum pid_type___v2, PIDTYPE_NO_SUCH_ENUMERATOR) * 32
		+ bpf_core_enum_value(enum pid_type___v2, PIDTYPE_PGID___v2) * 64;
}

SEC("socket")
int enum64_value(void *ctx)
{
	__u64 v = bpf_core_enum_value(enum perf_callchain_context, PERF_CONTEXT_KERNEL);

	return (v >> 32) == 0xffffffff ? (int)v : 0;
}

SEC("socket")
int local_id(void *ctx)
{
	return bpf_core_type_id_local(struct task_struct);
}

/* The packet (after the Ethernet header) holds a struct bpf_reg_state laid out as the running kernel does. */
SEC("socket")
int iter_depth(struct __sk_buff *skb)
{
	__u64 buf[8];
	struct bpf_reg_state *r = (void *)buf;

	if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf)))
		return -1;
	return BPF_CORE_READ_BITFIELD(r, iter.depth);
}

SEC("socket")
int iter_state(struct __sk_buff *skb)
{
	__u64 buf[8];
	struct bpf_reg_state *r = (void *)buf;

	if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf)))
		return -1;
	return BPF_CORE_READ_BITFIELD(r, iter.state) * 100
		+ __builtin_preserve_field_info(r->iter.depth, BPF_FIELD_SIGNED) * 10
		+ __builtin_preserve_field_info(r->iter.state, BPF_FIELD_SIGNED);
}

SEC("socket")
int iter_depth_probed(struct __sk_buff *skb)
{
	__u64 buf[8];
	struct bpf_reg_state *r = (void *)buf;

	if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf)))
		return -1;
	return BPF_CORE_READ_BITFIELD_PROBED(r, iter.depth);
}

char LICENSE[] SEC("license") = "GPL";
