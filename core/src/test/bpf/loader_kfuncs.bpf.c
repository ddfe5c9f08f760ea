// SPDX-License-Identifier: GPL-2.0
/* kfunc calls (acquire/release a task by pid), a weak kfunc the kernel has and a weak one it lacks (its call is
 * poisoned but never reached, because bpf_ksym_exists says it is absent). */
#include "loader_common.h"

/* A definition, not a forward declaration: libbpf 1.1 finds "struct task_struct" FWD incompatible with the kernel's
 * STRUCT (ebpf4j accepts both). No field is accessed, so the layout does not matter. */
struct task_struct {
	int pid;
};

extern struct task_struct *bpf_task_from_pid(int pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym __weak;
extern int bpf_ebpf4j_no_such_kfunc(int x) __ksym __weak;

const volatile int target_pid;
__u64 found_target;
__u64 found_impossible;
__u64 acquire_exists;
__u64 missing_exists;
__u64 missing_result = 77;

SEC("syscall")
int find_tasks(void *ctx)
{
	struct task_struct *t = bpf_task_from_pid(target_pid);

	if (t) {
		found_target = 1;
		bpf_task_release(t);
	}
	t = bpf_task_from_pid(-5);
	if (t) {
		found_impossible = 1;
		bpf_task_release(t);
	}
	acquire_exists = bpf_ksym_exists(bpf_task_acquire);
	missing_exists = bpf_ksym_exists(bpf_ebpf4j_no_such_kfunc);
	if (bpf_ksym_exists(bpf_ebpf4j_no_such_kfunc))
		missing_result = bpf_ebpf4j_no_such_kfunc(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
