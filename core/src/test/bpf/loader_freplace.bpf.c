// SPDX-License-Identifier: GPL-2.0
/* freplace: an XDP program calling a global function (a target other objects can replace), and an freplace program
 * replacing that function, off by default: it needs the loaded target program (BpfObject.LoadOptions.withAttachTarget)
 * and BPF trampolines, which this kernel refuses (the load fails clearly). */
#include "loader_common.h"

__u64 verdicts;

__attribute__((noinline)) int decide(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data > 64 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int freplace_target(struct xdp_md *ctx)
{
	verdicts++;
	return decide(ctx);
}

SEC("?freplace/decide")
int always_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
