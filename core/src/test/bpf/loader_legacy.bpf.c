// SPDX-License-Identifier: GPL-2.0
/* Maps declared the legacy way: struct bpf_map_def in section "maps" (libbpf 1.0 dropped these). */
#include "loader_common.h"

struct legacy_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct legacy_map_def SEC("maps") legacy_counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

struct legacy_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 8,
};

SEC("xdp")
int legacy_prog(struct xdp_md *ctx)
{
	__u32 k = 1, v = 0xabcd;
	__u64 *c = bpf_map_lookup_elem(&legacy_counts, &k);

	if (c)
		*c += 1;
	bpf_map_update_elem(&legacy_hash, &k, &v, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
