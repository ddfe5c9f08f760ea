// SPDX-License-Identifier: GPL-2.0
/*
 * CO-RE relocations the running kernel cannot satisfy (CoreRelocatorKernelTest): the relocated instructions are
 * poisoned; a guarded one is dead code and the program loads, an unguarded one fails verification.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___gone {
	int no_such_member_anywhere;
} __attribute__((preserve_access_index));

/* pid is an int in the kernel: a signed field cannot be read with another size. */
struct task_struct___wide {
	long long pid;
} __attribute__((preserve_access_index));

enum pid_type___gone { PIDTYPE_GONE = 5 };

SEC("socket")
int guarded(void *ctx)
{
	struct task_struct___gone *t = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(t->no_such_member_anywhere))
		return BPF_CORE_READ(t, no_such_member_anywhere);
	return 7;
}

SEC("socket")
int unguarded(void *ctx)
{
	struct task_struct___gone *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, no_such_member_anywhere);
}

SEC("socket")
int wrong_size(void *ctx)
{
	struct task_struct___wide *t = (void *)bpf_get_current_task_btf();

	return t->pid;
}

SEC("socket")
int missing_enum(void *ctx)
{
	return bpf_core_enum_value(enum pid_type___gone, PIDTYPE_GONE);
}

char LICENSE[] SEC("license") = "GPL";
