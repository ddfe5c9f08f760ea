// SPDX-License-Identifier: GPL-2.0
/* CO-RE relocations in a subprogram shared by two programs (rebased into each linked program). Needs the CO-RE
 * relocator (branch corerelo); until then BpfObject refuses it with NotSupportedException. */
#include "loader_common.h"
#include <bpf/bpf_core_read.h>

struct task_struct___local {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

const volatile __u32 target_tgid;
__u64 switch_pids_seen;
__u64 pid_exists;
__u64 task_size;

static __noinline int record(struct task_struct___local *t)
{
	if (BPF_CORE_READ(t, tgid) == (int)target_tgid)
		__sync_fetch_and_add(&switch_pids_seen, 1);
	pid_exists = bpf_core_field_exists(t->pid);
	task_size = bpf_core_type_size(struct task_struct___local);
	return 0;
}

SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	return record((struct task_struct___local *)ctx[1]);
}

SEC("tp_btf/sched_wakeup")
int on_wakeup(__u64 *ctx)
{
	return record((struct task_struct___local *)ctx[0]);
}

char LICENSE[] SEC("license") = "GPL";
