/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel structs the benchmark objects read with CO-RE: only the members used, marked preserve_access_index, so the
 * loader (ebpf4j's relocator or libbpf) finds each member's offset in the running kernel's BTF. No vmlinux.h.
 */
#ifndef BENCH_CORE_H
#define BENCH_CORE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

typedef struct { int counter; } atomic_t___bench;
typedef struct { unsigned int val; } kuid_t;

struct cred {
	kuid_t uid;
	kuid_t euid;
} __attribute__((preserve_access_index));

struct mm_struct {
	int map_count;
	unsigned long total_vm;
	unsigned long hiwater_rss;
	unsigned long arg_start;
} __attribute__((preserve_access_index));

struct nsproxy {
	struct pid_namespace *pid_ns_for_children;
	struct net *net_ns;
} __attribute__((preserve_access_index));

struct task_struct {
	unsigned int flags;
	int prio;
	struct mm_struct *mm;
	int exit_code;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	unsigned long long start_time;
	const struct cred *cred;
	char comm[16];
	struct nsproxy *nsproxy;
} __attribute__((preserve_access_index));

struct trace_event_raw_sys_enter {
	long id;
	unsigned long args[6];
} __attribute__((preserve_access_index));

struct trace_event_raw_sched_process_exec {
	unsigned int __data_loc_filename;
	int pid;
	int old_pid;
} __attribute__((preserve_access_index));

struct trace_event_raw_sched_switch {
	char prev_comm[16];
	int prev_pid;
	int prev_prio;
	long prev_state;
	char next_comm[16];
	int next_pid;
	int next_prio;
} __attribute__((preserve_access_index));

#endif
