// SPDX-License-Identifier: GPL-2.0
/* Malformed on purpose (ObjectMalformedTest): __arena global variables without the arena map that must hold them. */
#include "loader_common.h"

#define __arena __attribute__((address_space(1)))

int __arena orphan = 1;

SEC("syscall")
int uses_orphan(void *ctx)
{
	return orphan;
}

char LICENSE[] SEC("license") = "GPL";
