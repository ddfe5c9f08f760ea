// SPDX-License-Identifier: GPL-2.0
/* struct_ops through a bpf_link: "ebpf4j_cc_link" in section .struct_ops.link, and "ebpf4j_cc_off" in ?.struct_ops
 * (not created by default) sharing three programs with it and using one of its own (ebpf4j_off_ssthresh, so not
 * loaded by default either). libbpf 1.1 knows neither section. */
#include "loader_tcp_cc.h"

__u64 off_ssthresh_calls;

SEC("struct_ops/ebpf4j_off_ssthresh")
__u32 BPF_PROG(ebpf4j_off_ssthresh, struct sock *sk)
{
	__sync_fetch_and_add(&off_ssthresh_calls, 1);
	return tcp_reno_ssthresh(sk);
}

SEC(".struct_ops.link")
struct tcp_congestion_ops ebpf4j_cc_link = {
	.init = (void *)ebpf4j_init,
	.ssthresh = (void *)ebpf4j_ssthresh,
	.cong_avoid = (void *)ebpf4j_cong_avoid,
	.undo_cwnd = (void *)ebpf4j_undo_cwnd,
	.name = "ebpf4j_cc_link",
};

SEC("?.struct_ops")
struct tcp_congestion_ops ebpf4j_cc_off = {
	.ssthresh = (void *)ebpf4j_off_ssthresh,
	.cong_avoid = (void *)ebpf4j_cong_avoid,
	.undo_cwnd = (void *)ebpf4j_undo_cwnd,
	.name = "ebpf4j_cc_off",
};

char LICENSE[] SEC("license") = "GPL";
