// SPDX-License-Identifier: GPL-2.0
/* Malformed on purpose (ObjectMalformedTest): a struct_ops variable whose function pointer names an XDP program. */
#include "loader_common.h"

struct tcp_congestion_ops {
	__u32 (*ssthresh)(void *sk);
	char name[16];
};

SEC("xdp")
int not_struct_ops(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC(".struct_ops")
struct tcp_congestion_ops wrong = {
	.ssthresh = (void *)not_struct_ops,
	.name = "wrong",
};

char LICENSE[] SEC("license") = "GPL";
