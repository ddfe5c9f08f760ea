// SPDX-License-Identifier: GPL-2.0
/* BPF arena: an arena map, __arena global variables (section .addr_space.1, placed in the arena at load), and syscall
 * programs (run with BPF_PROG_TEST_RUN) that allocate an arena page, write through it and free it. Clang before 18
 * cannot compile arena accesses (no __BPF_FEATURE_ADDR_SPACE_CAST): that build only allocates and frees the page. */
#include "loader_common.h"

#ifndef BPF_MAP_TYPE_ARENA
#define BPF_MAP_TYPE_ARENA 33
#endif
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);	/* pages */
} arena SEC(".maps");

#if defined(__BPF_FEATURE_ADDR_SPACE_CAST)
#define __arena __attribute__((address_space(1)))
#else
#define __arena
#endif

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id,
				    __u64 flags) __ksym __weak;
void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt) __ksym __weak;

__u64 page_addr;	/* the user-space address of the page arena_alloc allocated (0: none) */
__u64 runs;

#if defined(__BPF_FEATURE_ADDR_SPACE_CAST)
int __arena counter = 5;		/* .addr_space.1, initialised */
__u64 __arena pattern[4] = {1, 2, 3, 4};
__u64 __arena *__arena page;		/* a pointer into the arena, kept in the arena */
#endif

SEC("syscall")
int arena_alloc(void *ctx)
{
	__u64 __arena *p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);

	runs++;
	if (!p)
		return 1;
	page_addr = (__u64)p;
#if defined(__BPF_FEATURE_ADDR_SPACE_CAST)
	p[0] = 0x1234567890ULL;
	p[1] = pattern[0] + pattern[1] + pattern[2] + pattern[3];
	page = p;
	counter++;
#endif
	return 0;
}

SEC("syscall")
int arena_free(void *ctx)
{
	if (!page_addr)
		return 1;
	bpf_arena_free_pages(&arena, (void __arena *)page_addr, 1);
	page_addr = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
