// SPDX-License-Identifier: GPL-2.0
/* A program the verifier rejects (a map value used without a NULL check), off by default: its verifier log shows
 * the C source lines from .BTF.ext line info. */
#include "loader_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} lookups SEC(".maps");

SEC("?xdp")
int unchecked_lookup(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *value = bpf_map_lookup_elem(&lookups, &key);

	return *value == 7 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int checked_lookup(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *value = bpf_map_lookup_elem(&lookups, &key);

	return value && *value == 7 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
