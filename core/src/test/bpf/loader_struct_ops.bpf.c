// SPDX-License-Identifier: GPL-2.0
/* struct_ops: a BPF TCP congestion control "ebpf4j_cc" in section .struct_ops (registered by the map update; the test
 * renames it to stay unique) built from the programs of loader_tcp_cc.h. */
#include "loader_tcp_cc.h"

SEC(".struct_ops")
struct tcp_congestion_ops ebpf4j_cc = {
	.init = (void *)ebpf4j_init,
	.ssthresh = (void *)ebpf4j_ssthresh,
	.cong_avoid = (void *)ebpf4j_cong_avoid,
	.undo_cwnd = (void *)ebpf4j_undo_cwnd,
	.name = "ebpf4j_cc",
};

char LICENSE[] SEC("license") = "GPL";
