/* SPDX-License-Identifier: GPL-2.0 */
/* A BPF TCP congestion control for the struct_ops corpus objects (loader_struct_ops*.bpf.c): the object's own copy of
 * struct tcp_congestion_ops with only the members it sets, in another order than the kernel's (the loader matches
 * members by name), and the kernel's Reno functions (kfuncs for struct_ops) doing the actual work. The programs count
 * their calls in .bss. */
#ifndef LOADER_TCP_CC_H
#define LOADER_TCP_CC_H

#include "loader_common.h"
#include <bpf/bpf_tracing.h>

/* Not a forward declaration: libbpf 1.1 compares kfunc prototypes kind by kind (STRUCT against the kernel's). */
struct sock {
	int __unused;
};

struct tcp_congestion_ops {
	char name[16];
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 flags;
	void (*init)(struct sock *sk);
	__u32 (*ssthresh)(struct sock *sk);
};

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

__u64 init_calls;
__u64 ssthresh_calls;
__u64 cong_avoid_calls;
__u64 undo_calls;

SEC("struct_ops/ebpf4j_init")
void BPF_PROG(ebpf4j_init, struct sock *sk)
{
	__sync_fetch_and_add(&init_calls, 1);
}

SEC("struct_ops/ebpf4j_ssthresh")
__u32 BPF_PROG(ebpf4j_ssthresh, struct sock *sk)
{
	__sync_fetch_and_add(&ssthresh_calls, 1);
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/ebpf4j_cong_avoid")
void BPF_PROG(ebpf4j_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	__sync_fetch_and_add(&cong_avoid_calls, 1);
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/ebpf4j_undo_cwnd")
__u32 BPF_PROG(ebpf4j_undo_cwnd, struct sock *sk)
{
	__sync_fetch_and_add(&undo_calls, 1);
	return tcp_reno_undo_cwnd(sk);
}

#endif
