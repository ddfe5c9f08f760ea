// SPDX-License-Identifier: GPL-2.0
/* Global data: .rodata constants (set before load, seen by the verifier), .data, .bss, custom .data.* and
 * .rodata.* sections, a static variable and a string literal (.rodata.str1.1). Test-run as a syscall program. */
#include "loader_common.h"

struct args {
	__u64 input;
};

const volatile __u32 multiplier = 2;            /* .rodata */
const volatile bool use_invalid_access = false; /* .rodata: true makes the program unverifiable */
__u64 data_counter = 100;                       /* .data */
__u32 increment = 1;                            /* .data, written by the test after load */
__u64 bss_counter;                              /* .bss */
__u64 last_result;                              /* .bss */
__u32 custom_value SEC(".data.custom") = 7;
const volatile __u32 custom_const SEC(".rodata.custom") = 11;
char greeting[16] = "hello, ebpf4j";
static __u32 static_counter;
__u32 static_counter_copy;
__u64 message_length;

SEC("syscall")
int compute(struct args *ctx)
{
	__u64 r = ctx->input * multiplier + custom_value + custom_const;

	last_result = r;
	bss_counter += increment;
	data_counter += 1;
	static_counter++;
	static_counter_copy = static_counter;
	message_length = bpf_strncmp(greeting, sizeof(greeting), "hello, ebpf4j") == 0 ? 13 : 0;
	if (use_invalid_access)
		r += *(volatile __u64 *)(long)r;   /* dereferences a number: only verifiable as dead code */
	bpf_printk("compute %llu", r);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
