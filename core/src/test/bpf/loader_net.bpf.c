// SPDX-License-Identifier: GPL-2.0
/* Network programs attached from their sections with an interface or cgroup given by the test: XDP and cgroup skb
 * egress, each counting packets (tcx is in loader_tcx.bpf.c: Debian's libbpf 1.1, the test oracle, predates it). */
#include "loader_common.h"

__u64 xdp_packets;
__u64 egress_packets;

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&xdp_packets, 1);
	return XDP_PASS;
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&egress_packets, 1);
	return 1;   /* allow */
}

char LICENSE[] SEC("license") = "GPL";
