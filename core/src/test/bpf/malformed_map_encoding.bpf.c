// SPDX-License-Identifier: GPL-2.0
/* Malformed on purpose (ObjectMalformedTest): max_entries declared as a type instead of __uint(max_entries, N). */
#include "loader_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__type(max_entries, int);
} wrong SEC(".maps");

SEC("xdp")
int uses(struct xdp_md *ctx)
{
	__u32 k = 0;
	return bpf_map_lookup_elem(&wrong, &k) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
