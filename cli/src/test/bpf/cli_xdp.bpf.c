// SPDX-License-Identifier: GPL-2.0
/* Test object for `ebpf4j prog run OBJ ...` (kernel and userspace VM) and `prog load/loadall`.
 *
 * bounce: for an IPv4 frame, swaps the Ethernet addresses, decrements the TTL (fixing the checksum incrementally),
 * counts the packet in `seen` and returns XDP_TX; frames too short or not IPv4 are XDP_PASS, a TTL of 0 or 1 is
 * XDP_DROP. count_only: counts and passes. The .rodata constant `tx_action` lets tests check global data in both
 * runtimes. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 tx_action = XDP_TX;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&seen, &slot);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int bounce(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	unsigned char tmp[ETH_ALEN];
	__u32 sum;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->ttl <= 1)
		return XDP_DROP;
	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
	/* RFC 1624: the TTL is the high byte of a 16-bit word */
	sum = (__u32)ip->check + bpf_htons(0x0100);
	ip->check = (__u16)(sum + (sum >> 16));
	ip->ttl--;
	count(0);
	return tx_action;
}

SEC("xdp")
int count_only(struct xdp_md *ctx)
{
	count(1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
