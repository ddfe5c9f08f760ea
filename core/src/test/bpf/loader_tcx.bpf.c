// SPDX-License-Identifier: GPL-2.0
/* A tcx program attached from its section (tcx/ingress) to the interface the test gives, counting packets. */
#include "loader_common.h"

__u64 tcx_packets;

SEC("tcx/ingress")
int count_tcx(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&tcx_packets, 1);
	return 0;   /* TCX_PASS */
}

char LICENSE[] SEC("license") = "GPL";
