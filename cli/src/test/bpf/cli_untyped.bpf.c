// SPDX-License-Identifier: GPL-2.0
/* Test object for `prog load OBJ PATH type TYPE`: the section name does not say the program type. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("pass_everything")
int untyped_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
