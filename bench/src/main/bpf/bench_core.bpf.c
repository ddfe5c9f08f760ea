// SPDX-License-Identifier: GPL-2.0
/*
 * The CO-RE object of benchmark pair 6 (open + load): eight programs of the kinds a tracing tool carries
 * (tracepoints, raw tracepoints, BTF tracepoints; no kprobes or fentry, which this kernel lacks), each with several
 * CO-RE reads of kernel structs, plus a hash map, a ring buffer, an array, .rodata and .bss. Only loaded, never
 * attached: both loaders open it, relocate it against the running kernel's BTF, create the maps and load every
 * program, and both report how many programs they loaded and their instruction counts.
 */
#include "bench_core.h"

struct event {
	int pid;
	int ppid;
	unsigned int uid;
	int kind;
	unsigned long long start_time;
	unsigned long total_vm;
	char comm[16];
};

struct stats {
	unsigned long long count;
	unsigned long long last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, int);
	__type(value, struct stats);
} per_pid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, int);
	__type(value, unsigned long long);
} totals SEC(".maps");

const volatile int target_tgid = 0;
unsigned long long dropped = 0;

static __always_inline int wanted(struct task_struct *task)
{
	return !target_tgid || BPF_CORE_READ(task, tgid) == target_tgid;
}

static __always_inline void count(int pid, int kind)
{
	struct stats *s = bpf_map_lookup_elem(&per_pid, &pid);
	unsigned long long *t = bpf_map_lookup_elem(&totals, &kind);

	if (t)
		__sync_fetch_and_add(t, 1);
	if (s) {
		s->count++;
		s->last_ns = bpf_ktime_get_ns();
	} else {
		struct stats init = { 1, bpf_ktime_get_ns() };
		bpf_map_update_elem(&per_pid, &pid, &init, BPF_NOEXIST);
	}
}

static __always_inline void emit(struct task_struct *task, int kind)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		dropped++;
		return;
	}
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = BPF_CORE_READ(task, cred, uid.val);
	e->kind = kind;
	e->start_time = BPF_CORE_READ(task, start_time);
	e->total_vm = bpf_core_field_exists(task->mm) ? BPF_CORE_READ(task, mm, total_vm) : 0;
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	bpf_ringbuf_submit(e, 0);
}

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (!wanted(task))
		return 0;
	count(BPF_CORE_READ(ctx, pid), 0);
	emit(task, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int handle_exit(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (!wanted(task) || BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0;
	count(BPF_CORE_READ(task, tgid), 1);
	emit(task, 1);
	return 0;
}

SEC("tp/syscalls/sys_enter_openat")
int handle_openat(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int flags = (int)BPF_CORE_READ(ctx, args[2]);

	if (!wanted(task) || !(flags & 0100 /* O_CREAT */))
		return 0;
	count(BPF_CORE_READ(task, tgid), 2);
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int handle_execve(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (!wanted(task) || BPF_CORE_READ(ctx, id) < 0)
		return 0;
	count(BPF_CORE_READ(task, tgid), 3);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (!wanted(next))
		return 0;
	if (BPF_CORE_READ(prev, prio) < 100 || BPF_CORE_READ(next, prio) < 100)
		count(BPF_CORE_READ(next, tgid), 4);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!wanted(parent))
		return 0;
	count(BPF_CORE_READ(child, pid), 5);
	emit(child, 5);
	return 0;
}

SEC("raw_tp/sched_wakeup")
int handle_wakeup(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *p = (struct task_struct *)ctx->args[0];

	if (!wanted(p))
		return 0;
	if (BPF_CORE_READ(p, flags) & 0x00200000 /* PF_KTHREAD */)
		return 0;
	count(BPF_CORE_READ(p, tgid), 6);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_wakeup_new, struct task_struct *p)
{
	if (!wanted(p) || !BPF_CORE_READ(p, nsproxy, net_ns))
		return 0;
	count(BPF_CORE_READ(p, tgid), 7);
	emit(p, 7);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
