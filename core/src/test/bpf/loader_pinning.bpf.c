// SPDX-License-Identifier: GPL-2.0
/* A map pinned by name (LIBBPF_PIN_BY_NAME): a second load reuses the pinned map. */
#include "loader_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} loader_pinned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} loader_private SEC(".maps");

SEC("syscall")
int bump(void *ctx)
{
	__u32 k = 0;
	__u64 *shared = bpf_map_lookup_elem(&loader_pinned, &k);
	__u64 *own = bpf_map_lookup_elem(&loader_private, &k);

	if (shared)
		__sync_fetch_and_add(shared, 1);
	if (own)
		__sync_fetch_and_add(own, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
