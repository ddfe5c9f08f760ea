// SPDX-License-Identifier: GPL-2.0
/* BTF-defined maps of many shapes: key/value types or sizes, flags, NUMA node, map_extra, ring buffer, perf event
 * array, and map-in-map with an inner map definition and initial values. Test-run as an XDP program (sleepable
 * syscall programs may not use LRU, per-CPU, bloom filter or map-in-map maps). */
#include "loader_common.h"

struct pair {
	__u32 a;
	__u64 b;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct pair);
	__uint(max_entries, 64);
} pairs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 4);
} sized SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 32);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} percpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_NUMA_NODE);
	__uint(numa_node, 0);
} numa SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32);
	__uint(max_entries, 16);
	__uint(map_extra, 3);
} bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 4);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__type(key, __u32);
		__type(value, __u64);
		__uint(max_entries, 2);
	});
} outer_hash SEC(".maps");

struct event {
	__u32 kind;
	__u32 value;
};

__u32 outer_results[4];

static __u32 write_inner(__u32 slot, __u32 value)
{
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(&outer, &slot);
	__u32 *v;

	if (!inner)
		return 0;
	v = bpf_map_lookup_elem(inner, &zero);
	if (!v)
		return 0;
	*v = value;
	return 1;
}

SEC("xdp")
int use_maps(struct xdp_md *ctx)
{
	__u32 k = 3, i;
	struct pair p = { .a = 1, .b = 2 };
	__u64 lk = 77, lv = 78, *pc, sv = 0x1122334455667788ULL;
	__u32 bloom_value = 12345;
	struct event *e;

	bpf_map_update_elem(&pairs, &k, &p, BPF_ANY);
	i = 1;
	bpf_map_update_elem(&sized, &i, &sv, BPF_ANY);
	bpf_map_update_elem(&lru, &lk, &lv, BPF_ANY);
	i = 0;
	pc = bpf_map_lookup_elem(&percpu, &i);
	if (pc)
		*pc += 5;
	bpf_map_update_elem(&numa, &k, &k, BPF_ANY);
	bpf_map_push_elem(&bloom, &bloom_value, BPF_ANY);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->kind = 1;
		e->value = 4242;
		bpf_ringbuf_submit(e, 0);
	}
	outer_results[0] = write_inner(0, 42);
	outer_results[1] = write_inner(1, 99);
	outer_results[2] = write_inner(2, 43);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
