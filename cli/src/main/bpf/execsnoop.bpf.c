// SPDX-License-Identifier: GPL-2.0
/* execsnoop: one event per execve(), as libbpf-tools' execsnoop reports it.
 *
 * sys_enter_execve copies the arguments into a per-thread slot of the in_flight hash; sys_exit_execve completes the
 * slot with the return value and the new comm and sends it through the events ring buffer.
 *
 * Only the parent's tgid needs kernel structure layout (task_struct is not ABI): it is read with one CO-RE access
 * through a minimal local declaration, so the loader resolves the offsets against the running kernel's BTF. The
 * tracepoint records themselves are stable ABI (their layout is published in tracefs), declared below as is. */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

/* Set by user space before loading: what to filter on. */
const volatile __u32 filter_uid = (__u32)-1;   /* (u32)-1: every user */
const volatile bool include_failed = false;    /* -x: report failed execs too */
const volatile __s32 max_args = 20;            /* arguments to copy, at most EXEC_ARGS_LIMIT */
const volatile bool filter_cgroup = false;     /* -c: only tasks in the cgroup held by cgroups[0] */

/* syscalls/sys_enter_execve and sys_exit_execve records (tracefs .../format). */
struct execve_enter {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	const char *filename;
	const char *const *argv;
	const char *const *envp;
};

struct execve_exit {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	long ret;
};

struct task_struct {
	struct task_struct *real_parent;
	int tgid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct exec_event);
} in_flight SEC(".maps");

/* A zeroed event to create slots from (hash values cannot be built on the 512-byte stack). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} blank SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline bool wanted(void)
{
	if (filter_uid != (__u32)-1 && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return false;
	if (filter_cgroup && !bpf_current_task_under_cgroup(&cgroups, 0))
		return false;
	return true;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int exec_enter(struct execve_enter *ctx)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid();
	struct exec_event *e, *empty;
	const char *arg;
	long n;
	int i;

	if (!wanted())
		return 0;
	empty = bpf_map_lookup_elem(&blank, &zero);
	if (!empty || bpf_map_update_elem(&in_flight, &tid, empty, BPF_NOEXIST))
		return 0;
	e = bpf_map_lookup_elem(&in_flight, &tid);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ppid = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), real_parent, tgid);

	n = bpf_probe_read_user_str(e->args, EXEC_ARG_SIZE, ctx->filename);
	if (n < 0)
		return 0;
	e->args_size = n;
	e->args_count = 1;
	for (i = 1; i < EXEC_ARGS_LIMIT; i++) {
		if (i >= max_args)
			break;
		if (bpf_probe_read_user(&arg, sizeof(arg), &ctx->argv[i]) || !arg)
			return 0;
		if (e->args_size > EXEC_ARGS_BYTES - EXEC_ARG_SIZE)
			return 0;
		n = bpf_probe_read_user_str(&e->args[e->args_size], EXEC_ARG_SIZE, arg);
		if (n < 0)
			return 0;
		e->args_size += n;
		e->args_count++;
	}
	/* one more argument than wanted means the list was cut short */
	if (bpf_probe_read_user(&arg, sizeof(arg), &ctx->argv[max_args]) || !arg)
		return 0;
	e->args_count++;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int exec_exit(struct execve_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct exec_event *e;
	__u64 size;

	e = bpf_map_lookup_elem(&in_flight, &tid);
	if (!e)
		return 0;
	if (ctx->ret >= 0 || include_failed) {
		e->retval = ctx->ret;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		size = __builtin_offsetof(struct exec_event, args) + e->args_size;
		if (size <= sizeof(*e))
			bpf_ringbuf_output(&events, e, size, 0);
	}
	bpf_map_delete_elem(&in_flight, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
