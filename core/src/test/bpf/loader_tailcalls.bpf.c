// SPDX-License-Identifier: GPL-2.0
/* A prog array whose slots are filled from the object (initial values referring to programs) and tail calls
 * through it; the slot to jump to is a .data variable the test sets after load. */
#include "loader_common.h"

int tail_one(struct xdp_md *ctx);
int tail_three(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jump_table SEC(".maps") = {
	.values = { [1] = (void *)&tail_one, [3] = (void *)&tail_three },
};

__u32 tail_index = 1;
__u64 tail_hits;

SEC("xdp")
int tail_one(struct xdp_md *ctx)
{
	tail_hits += 1;
	return XDP_DROP;
}

SEC("xdp")
int tail_three(struct xdp_md *ctx)
{
	tail_hits += 3;
	return XDP_TX;
}

SEC("xdp")
int tail_entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jump_table, tail_index);
	return XDP_PASS;   /* the slot was empty */
}

char LICENSE[] SEC("license") = "GPL";
