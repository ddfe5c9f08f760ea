// SPDX-License-Identifier: GPL-2.0
/* Malformed on purpose (ObjectMalformedTest): initial program values in a map that is not a prog array. */
#include "loader_common.h"

int target(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} not_a_prog_array SEC(".maps") = {
	.values = { [0] = (void *)&target },
};

SEC("xdp")
int target(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
