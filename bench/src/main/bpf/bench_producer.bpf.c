// SPDX-License-Identifier: GPL-2.0
/*
 * Producer for benchmark pairs 1 and 2 (ring buffer and perf buffer consumption). Loaded unchanged by ebpf4j
 * (BpfObject) and by the libbpf anchor (bpf_object__open_file + bpf_object__load).
 *
 * Each program is a socket filter run with BPF_PROG_TEST_RUN; one run writes BATCH records of 8 or 128 bytes as fast
 * as the helper allows. A record's first 8 bytes are its sequence number (produced + dropped before it), the rest of
 * a 128-byte record is a fixed pattern. Records that do not fit (ring or perf buffer full, no reader yet) are
 * counted in counters.dropped, written ones in counters.produced: consumers check that they received exactly
 * counters.produced records.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define BATCH 64

struct rec8 {
	__u64 seq;
};

struct rec128 {
	__u64 seq;
	__u64 pad[15];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

/* One producer thread at a time: plain increments suffice. */
struct counters {
	__u64 produced;
	__u64 dropped;
} counters = {};

/* Sends BATCH copies of r with OUTPUT (non-zero when the record was dropped), numbering them and counting both. */
#define PRODUCE(OUTPUT)                                                 \
	for (int i = 0; i < BATCH; i++) {                               \
		r.seq = counters.produced + counters.dropped;           \
		if (OUTPUT)                                             \
			counters.dropped++;                             \
		else                                                    \
			counters.produced++;                            \
	}

SEC("socket")
int ring_8(struct __sk_buff *skb)
{
	struct rec8 r;

	PRODUCE(bpf_ringbuf_output(&ring, &r, sizeof(r), 0));
	return 0;
}

SEC("socket")
int ring_128(struct __sk_buff *skb)
{
	struct rec128 r;

	__builtin_memset(&r, 0x5a, sizeof(r));
	PRODUCE(bpf_ringbuf_output(&ring, &r, sizeof(r), 0));
	return 0;
}

SEC("socket")
int perf_8(struct __sk_buff *skb)
{
	struct rec8 r;

	PRODUCE(bpf_perf_event_output(skb, &perf, BPF_F_CURRENT_CPU, &r, sizeof(r)));
	return 0;
}

SEC("socket")
int perf_128(struct __sk_buff *skb)
{
	struct rec128 r;

	__builtin_memset(&r, 0x5a, sizeof(r));
	PRODUCE(bpf_perf_event_output(skb, &perf, BPF_F_CURRENT_CPU, &r, sizeof(r)));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
