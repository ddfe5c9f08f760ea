// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal execsnoop for start-up benchmark pair 7 (the Java side runs it with bench's MiniExecsnoop while the CLI's
 * `ebpf4j execsnoop` is not available): one tracepoint on execve entry, a CO-RE read of the parent's tgid, and a ring
 * buffer of {pid, ppid, comm, filename}.
 */
#include "bench_core.h"

struct exec_event {
	int pid;
	int ppid;
	char comm[16];
	char filename[128];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int handle_execve(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct exec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(&e->filename, sizeof(e->filename), (const char *)BPF_CORE_READ(ctx, args[0]));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
