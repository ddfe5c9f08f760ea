// SPDX-License-Identifier: GPL-2.0
/* Programs for HotSpot's USDT probes (provider "hotspot" in libjvm.so), written with libbpf's <bpf/usdt.bpf.h>:
 * each records the probe's arguments (and the string it points to) in the ring buffer 'events'. */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#define KIND_CLASS_LOADED 1
#define KIND_THREAD_START 2
#define KIND_GC_BEGIN 3
#define TEXT_SIZE 64

struct hotspot_event {
	__u32 kind;
	__u32 pid;
	__s64 a0;
	__s64 a1;
	__s64 a2;
	char text[TEXT_SIZE];	/* the class or thread name (not NUL-terminated by HotSpot; zero-padded here) */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

static __always_inline void emit(__u32 kind, __s64 a0, __s64 a1, __s64 a2, const char *text, int len)
{
	struct hotspot_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->a0 = a0;
	e->a1 = a1;
	e->a2 = a2;
	if (text) {
		__u32 n = len < 0 ? 0 : len;
		if (n > TEXT_SIZE - 1)
			n = TEXT_SIZE - 1;
		bpf_probe_read_user(e->text, n, text);
	}
	bpf_ringbuf_submit(e, 0);
}

/* hotspot:class__loaded(name, name length, class loader, shared) */
SEC("usdt")
int BPF_USDT(on_class_loaded, char *name, int len, void *loader, int shared)
{
	emit(KIND_CLASS_LOADED, len, shared, 0, name, len);
	return 0;
}

/* hotspot:thread__start(name, name length, Java thread id, native thread id, daemon) */
SEC("usdt")
int BPF_USDT(on_thread_start, char *name, int len, long java_tid, long native_tid, int daemon)
{
	emit(KIND_THREAD_START, java_tid, native_tid, daemon, name, len);
	return 0;
}

/* hotspot:gc__begin(full) */
SEC("usdt")
int BPF_USDT(on_gc_begin, int full)
{
	emit(KIND_GC_BEGIN, full, bpf_usdt_arg_cnt(ctx), 0, 0, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
