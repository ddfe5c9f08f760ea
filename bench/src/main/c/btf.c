/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pair 5: parse the running kernel's BTF with btf__load_vmlinux_btf (read /sys/kernel/btf/vmlinux, copy, index).
 *   btf warm N    unreported parses (N, and for at least a second), then N parses in this process: median ms per
 *                 parse ("warm"), and the same with a lookup of struct task_struct by name after each ("warm-find")
 *   btf child     one parse in a fresh process, printed as a CHILD line for `spawn` (cold)
 * count is btf__type_cnt (types including void), which the Java side's Btf.typeCount() must match.
 * Mirrored by dev.ebpf4j.bench.pairs.BtfPair.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "anchor.h"

#define WARMUP_NS 1000000000ull  /* warm-up: N parses and at least this long, as on the Java side */

static uint32_t parse_once(int find, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		die("btf__load_vmlinux_btf failed: %s", strerror(errno));
	if (find && btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) <= 0)
		die("no struct task_struct in vmlinux BTF");
	*ns = now_ns() - t0;
	uint32_t count = btf__type_cnt(btf);
	btf__free(btf);
	return count;
}

int btf_main(int argc, char **argv)
{
	uint64_t main_ns = now_ns(), ns;
	if (argc == 1 && strcmp(argv[0], "child") == 0) {
		uint32_t count = parse_once(0, &ns);
		printf("CHILD main_ns=%llu work_ns=%llu count=%u\n", (unsigned long long)main_ns,
		       (unsigned long long)ns, count);
		return 0;
	}
	if (argc != 2 || strcmp(argv[0], "warm") != 0)
		die("usage: bench-anchor btf warm N | child");
	long n = arg_long(argv[1], "N");
	uint64_t *times = calloc(n, sizeof(*times));
	for (int find = 0; find <= 1; find++) {
		uint32_t count = 0;
		uint64_t warm_until = now_ns() + WARMUP_NS;
		for (long i = 0; i < n || now_ns() < warm_until; i++)
			parse_once(find, &ns);
		for (long i = 0; i < n; i++) {
			count = parse_once(find, &ns);
			times[i] = ns;
		}
		emit("btf", find ? "warm-find" : "warm", "ms", median_u64(times, n) / 1e6, count, 0, 1, "");
	}
	free(times);
	return 0;
}
