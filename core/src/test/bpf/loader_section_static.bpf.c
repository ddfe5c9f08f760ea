// SPDX-License-Identifier: GPL-2.0
/* A static function placed in a program section (not .text) and called from the program there: a subprogram, not a
 * program of its own. (libbpf rejects such objects: "program is static and not supported".) */
#include "loader_common.h"

static __noinline __attribute__((section("xdp"))) int triple(int x)
{
	return x * 3;
}

__u32 input = 1;   /* .data: not a constant, so clang keeps the call */

SEC("xdp")
int uses_section_static(struct xdp_md *ctx)
{
	return triple(input) == 3 ? XDP_TX : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
