// SPDX-License-Identifier: GPL-2.0
/* Test object for `prog load/loadall ... autoattach`: a tracepoint program (attached from its section name and its
 * link pinned) next to an XDP program (no attach point in its section: pinned as a program, as bpftool does). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} getppid_calls SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&getppid_calls, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

SEC("xdp")
int pass_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
