// SPDX-License-Identifier: GPL-2.0
/* Programs attached from their section names: tracepoint, raw_tp, tp_btf, uprobe and sleepable uprobe (on libc
 * functions the test calls), a task iterator, perf_event sampling, a USDT probe (HotSpot's thread__start in the
 * JVM's own libjvm.so: the test starts a thread); a kprobe (this kernel has none: attach fails clearly) and an fentry
 * program that is off by default (this kernel refuses trampolines: load fails clearly). */
#include "loader_common.h"
#include <linux/ptrace.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#define SYS_GETPPID 110   /* x86-64 */

struct bpf_iter_meta;
struct task_struct;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
};

const volatile __u32 target_tgid;

__u64 tp_hits;
__u64 raw_hits;
__u64 btf_hits;
__u64 uprobe_hits;
__u64 uprobe_sleepable_hits;
__u64 iter_tasks;
__u64 perf_samples;
__u64 kprobe_hits;
__u64 usdt_hits;
__s64 usdt_java_tid;	/* set by the test: the Java thread id (Thread.threadId()) whose start counts */

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_tracepoint(void *ctx)
{
	if (FROM_TEST(target_tgid))
		__sync_fetch_and_add(&tp_hits, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int on_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	if (FROM_TEST(target_tgid) && ctx->args[1] == SYS_GETPPID)
		__sync_fetch_and_add(&raw_hits, 1);
	return 0;
}

SEC("tp_btf/sys_enter")
int on_tp_btf(__u64 *ctx)
{
	if (FROM_TEST(target_tgid) && ctx[1] == SYS_GETPPID)
		__sync_fetch_and_add(&btf_hits, 1);
	return 0;
}

SEC("uprobe/libc.so.6:getpgid")
int on_uprobe(void *ctx)
{
	if (FROM_TEST(target_tgid))
		__sync_fetch_and_add(&uprobe_hits, 1);
	return 0;
}

SEC("uprobe.s/libc.so.6:getsid")
int on_uprobe_sleepable(void *ctx)
{
	if (FROM_TEST(target_tgid))
		__sync_fetch_and_add(&uprobe_sleepable_hits, 1);
	return 0;
}

SEC("iter/task")
int count_tasks(struct bpf_iter__task *ctx)
{
	if (ctx->task)
		iter_tasks++;
	return 0;
}

SEC("perf_event")
int on_sample(void *ctx)
{
	__sync_fetch_and_add(&perf_samples, 1);
	return 0;
}

SEC("kprobe/do_sys_openat2")
int on_kprobe(void *ctx)
{
	__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}

/* hotspot:thread__start(name, name length, Java thread id, native thread id, daemon) */
SEC("usdt/libjvm.so:hotspot:thread__start")
int BPF_USDT(on_usdt, char *name, int name_len, long java_tid, long native_tid, int daemon)
{
	if (FROM_TEST(target_tgid) && java_tid == usdt_java_tid)
		__sync_fetch_and_add(&usdt_hits, 1);
	return 0;
}

SEC("?fentry/do_sys_openat2")
int on_fentry(__u64 *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
