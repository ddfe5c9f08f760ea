// SPDX-License-Identifier: GPL-2.0
/* Subprograms shared by two programs (a static and a global function), and callbacks: bpf_loop,
 * bpf_for_each_map_elem and a bpf_timer whose callback fires after the program returns. */
#include "loader_common.h"

#define CLOCK_MONOTONIC 1

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} values SEC(".maps");

struct timer_elem {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct timer_elem);
	__uint(max_entries, 1);
} timers SEC(".maps");

__u64 results[8];
__u64 timer_fired;

static __noinline __u64 square(__u64 x)
{
	return x * x;
}

__noinline __u64 add_square(__u64 a, __u64 b)
{
	return square(a) + b;
}

static int loop_step(__u32 index, void *ctx)
{
	*(__u64 *)ctx += index;
	return 0;
}

static long sum_value(void *map, __u32 *key, __u64 *value, void *ctx)
{
	*(__u64 *)ctx += *value;
	return 0;
}

static int timer_callback(void *map, int *key, struct timer_elem *elem)
{
	timer_fired = 0xf1;
	return 0;
}

SEC("syscall")
int first(void *ctx)
{
	__u64 sum = 0;

	results[0] = add_square(3, 1);
	bpf_loop(5, loop_step, &sum, 0);
	results[1] = sum;
	return 0;
}

SEC("syscall")
int second(void *ctx)
{
	__u64 sum = 0;

	results[2] = square(7) + add_square(2, 2);
	bpf_for_each_map_elem(&values, sum_value, &sum, 0);
	results[3] = sum;
	return 0;
}

SEC("xdp")
int arm_timer(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct timer_elem *e = bpf_map_lookup_elem(&timers, &key);

	if (!e)
		return XDP_ABORTED;
	bpf_timer_init(&e->timer, &timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&e->timer, timer_callback);
	bpf_timer_start(&e->timer, 1000, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
