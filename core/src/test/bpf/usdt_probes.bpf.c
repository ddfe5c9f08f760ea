// SPDX-License-Identifier: GPL-2.0
/* USDT programs on libbpf's <bpf/usdt.bpf.h> (the contract: the __bpf_usdt_specs and __bpf_usdt_ip_to_spec_id maps,
 * spec ids as BPF cookies, LINUX_HAS_BPF_COOKIE). Attached by the tests to the probes of native/usdt_target and
 * native/libusdt_lib. */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

/* One record per probe hit, written by 'record': what bpf_usdt_*() return for every argument slot. */
struct usdt_event {
	__u64 usdt_cookie;	/* bpf_usdt_cookie(): the cookie given when attaching */
	__u64 ip;		/* PT_REGS_IP: the probe's address in the process */
	__u32 pid;
	__s32 arg_cnt;		/* bpf_usdt_arg_cnt() */
	long args[BPF_USDT_MAX_ARG_CNT];	/* bpf_usdt_arg(ctx, i, &args[i]) */
	__s32 rc[BPF_USDT_MAX_ARG_CNT];	/* its return value (0, or -ENOENT past arg_cnt) */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("usdt")
int record(struct pt_regs *ctx)
{
	struct usdt_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->usdt_cookie = bpf_usdt_cookie(ctx);
	e->ip = PT_REGS_IP(ctx);
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->arg_cnt = bpf_usdt_arg_cnt(ctx);
	for (int i = 0; i < BPF_USDT_MAX_ARG_CNT; i++)
		e->rc[i] = bpf_usdt_arg(ctx, i, &e->args[i]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* The BPF_USDT() form: typed arguments of ebpf4j:three, summed. */
__u64 three_hits;
__s64 three_sum;

SEC("usdt")
int BPF_USDT(on_three, unsigned short a, int b, unsigned int c)
{
	__sync_fetch_and_add(&three_hits, 1);
	__sync_fetch_and_add(&three_sum, (__s64) a + b + c);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
