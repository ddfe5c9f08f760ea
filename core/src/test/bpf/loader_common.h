/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the object loader's test corpus (loader_*.bpf.c): kernel UAPI and libbpf's BPF-side headers only. */
#ifndef LOADER_COMMON_H
#define LOADER_COMMON_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* libbpf 1.2+ has this in bpf_helpers.h; Debian's 1.1 does not. */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) ({                                                                 \
	_Static_assert(!__builtin_constant_p(!!sym), #sym " should be marked as __weak");       \
	!!sym;                                                                                  \
})
#endif

/* The tgid of the test process: programs count only events from it. */
#define FROM_TEST(tgid) ((bpf_get_current_pid_tgid() >> 32) == (tgid))

#endif
