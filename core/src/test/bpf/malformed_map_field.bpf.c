// SPDX-License-Identifier: GPL-2.0
/* Malformed on purpose (ObjectMalformedTest): a BTF-defined map with a field libbpf's macros never write. */
#include "loader_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
	__uint(max_entires, 2);
} misspelled SEC(".maps");

SEC("xdp")
int uses(struct xdp_md *ctx)
{
	__u32 k = 0;
	return bpf_map_lookup_elem(&misspelled, &k) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
