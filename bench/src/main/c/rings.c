/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pairs 1 and 2: ring buffer (ring_buffer__consume/__poll) and perf buffer (perf_buffer__consume/__poll) consumers
 * fed by bench_producer.bpf.o, in two modes (the Java side, dev.ebpf4j.bench.pairs.RecordPair, mirrors both):
 *
 *   drain  the producer fills the buffer to 3/4 (BPF_PROG_TEST_RUN in this thread, untimed), then the consumer drains
 *          it; only the draining is timed. The consumer is the only thing measured: events/s and CPU ms per million,
 *          both from the median cycle.
 *   live   a producer thread runs the program back to back while this thread polls (epoll) and consumes; the
 *          window ends at the EVENTS-th record after warm-up. Reports events/s, the consumer thread's CPU per
 *          million events, and the share of records the producer had to drop because the consumer was behind.
 *
 * Every record's first 8 bytes (its sequence number) are read and summed. After the run each side checks that it
 * received exactly the records the BPF program reports as written (counters.produced).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "anchor.h"

#define BATCH 64               /* records per program run (bench_producer.bpf.c) */
#define RING_BYTES (4u << 20)  /* the ring map's size */
#define PERF_PAGES 256         /* pages per CPU of the perf buffer */
#define LIVE_REPEAT 256        /* program runs per BPF_PROG_TEST_RUN in live mode */

struct consumer {
	uint64_t received;
	uint64_t sum;
	uint64_t target;       /* received count that ends the live window */
	uint64_t end_ns;
	uint64_t end_cpu;
	uint64_t lost;         /* perf: records the kernel reported lost */
};

static inline void on_record(struct consumer *c, const void *data)
{
	c->sum += *(const uint64_t *)data;
	if (++c->received == c->target) {
		c->end_ns = now_ns();
		c->end_cpu = thread_cpu_ns();
	}
}

static int on_ring(void *ctx, void *data, size_t size)
{
	(void)size;
	on_record(ctx, data);
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	(void)size;
	on_record(ctx, data);
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)cpu;
	((struct consumer *)ctx)->lost += n;
}

struct reader {
	int is_ring;
	struct ring_buffer *rb;
	struct perf_buffer *pb;
};

static int reader_consume(struct reader *r)
{
	return r->is_ring ? ring_buffer__consume(r->rb) : perf_buffer__consume(r->pb);
}

static int reader_poll(struct reader *r, int timeout_ms)
{
	return r->is_ring ? ring_buffer__poll(r->rb, timeout_ms) : perf_buffer__poll(r->pb, timeout_ms);
}

struct producer {
	int prog_fd;
	int repeat;
	volatile int stop;
	pthread_t thread;
	int err;
};

static int run_program(int prog_fd, int repeat)
{
	char packet[PACKET_SIZE] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = sizeof(packet), .repeat = repeat);
	return bpf_prog_test_run_opts(prog_fd, &opts);
}

static void *produce(void *arg)
{
	struct producer *p = arg;
	while (!p->stop) {
		if (run_program(p->prog_fd, p->repeat)) {
			p->err = errno;
			break;
		}
	}
	return NULL;
}

static int bss_fd; /* the object's .bss: struct counters {produced, dropped} */

/* counters.produced (which 0) or counters.dropped (which 1), read from the map (libbpf 1.1 does not map .bss live). */
static uint64_t counter(int which)
{
	uint32_t zero = 0;
	uint64_t value[2];
	if (bpf_map_lookup_elem(bss_fd, &zero, value))
		die("cannot read .bss: %s", strerror(errno));
	return value[which];
}

/* Records per drain cycle: 3/4 of the buffer, in whole program runs; the Java side computes the same. */
static uint64_t cycle_records(int is_ring, int size)
{
	uint64_t capacity = is_ring ? RING_BYTES : (uint64_t)PERF_PAGES * 4096;
	uint64_t span = is_ring ? (8 + size + 7) / 8 * 8 : 8 + (4 + size + 7) / 8 * 8;
	return capacity * 3 / 4 / span / BATCH * BATCH;
}

/*
 * Drain cycles: fill (untimed), then consume exactly per_cycle records. Rates come from the median cycle (wall
 * clock and thread CPU time separately), which keeps other work on a shared machine from skewing the figure.
 */
static void drain(const char *pair, const char *kase, struct reader *r, struct consumer *c, int prog_fd,
		  uint64_t per_cycle, uint64_t events, uint64_t warmup)
{
	uint64_t cycles = (events + per_cycle - 1) / per_cycle, warm_cycles = (warmup + per_cycle - 1) / per_cycle;
	uint64_t *wall = calloc(cycles, sizeof(*wall)), *cpu = calloc(cycles, sizeof(*cpu));
	int ok = 1;
	char note[128] = "";

	for (uint64_t i = 0; i < warm_cycles + cycles; i++) {
		if (i == warm_cycles) {
			c->received = 0;
			c->sum = 0;
		}
		uint64_t before = c->received;
		if (run_program(prog_fd, (int)(per_cycle / BATCH)))
			die("%s: BPF_PROG_TEST_RUN failed: %s", kase, strerror(errno));
		uint64_t t0 = now_ns(), cpu0 = thread_cpu_ns();
		while (c->received - before < per_cycle) {
			int n = reader_consume(r);
			if (n < 0)
				die("%s: consume failed: %s", kase, strerror(-n));
			if (n == 0)
				break;
		}
		uint64_t t1 = now_ns(), cpu1 = thread_cpu_ns();
		if (i >= warm_cycles) {
			wall[i - warm_cycles] = t1 - t0;
			cpu[i - warm_cycles] = cpu1 - cpu0;
		}
		if (c->received - before != per_cycle && ok) {
			ok = 0;
			snprintf(note, sizeof(note), "cycle_got_%llu_of_%llu",
				 (unsigned long long)(c->received - before), (unsigned long long)per_cycle);
		}
	}
	if (counter(1) != 0 && ok) {
		ok = 0;
		snprintf(note, sizeof(note), "producer_dropped_%llu", (unsigned long long)counter(1));
	}
	uint64_t n = c->received;
	emit(pair, kase, "events_per_s", per_cycle / (median_u64(wall, cycles) / 1e9), n, c->sum, ok, note);
	emit(pair, kase, "cpu_ms_per_M", median_u64(cpu, cycles) / 1e6 / (per_cycle / 1e6), n, 0, ok, note);
	free(wall);
	free(cpu);
}

static void live(const char *pair, const char *kase, struct reader *r, struct consumer *c, int prog_fd,
		 uint64_t events, uint64_t warmup)
{
	struct producer p = { .prog_fd = prog_fd, .repeat = LIVE_REPEAT };
	int ok = 1;
	char note[128] = "";

	if (pthread_create(&p.thread, NULL, produce, &p))
		die("cannot start the producer thread");
	while (c->received < warmup)
		if (reader_poll(r, 100) < 0)
			die("%s: poll failed", kase);
	uint64_t start = c->received;
	uint64_t produced0 = counter(0), dropped0 = counter(1);
	c->target = start + events;
	c->end_ns = 0;
	uint64_t t0 = now_ns(), cpu0 = thread_cpu_ns();
	while (c->end_ns == 0)
		if (reader_poll(r, 100) < 0)
			die("%s: poll failed", kase);
	uint64_t produced1 = counter(0), dropped1 = counter(1);
	p.stop = 1;
	pthread_join(p.thread, NULL);
	if (p.err)
		die("%s: BPF_PROG_TEST_RUN failed: %s", kase, strerror(p.err));
	/* Everything written must arrive: drain the rest (bounded wait). */
	uint64_t deadline = now_ns() + 5000000000ull;
	while (c->received < counter(0) && now_ns() < deadline)
		reader_poll(r, 10);
	if (c->received != counter(0) || c->lost) {
		ok = 0;
		snprintf(note, sizeof(note), "received_%llu_of_%llu_lost_%llu", (unsigned long long)c->received,
			 (unsigned long long)counter(0), (unsigned long long)c->lost);
	}
	double seconds = (c->end_ns - t0) / 1e9;
	double written = produced1 - produced0, dropped = dropped1 - dropped0;
	emit(pair, kase, "events_per_s", events / seconds, events, 0, ok, note);
	emit(pair, kase, "cpu_ms_per_M", (c->end_cpu - cpu0) / 1e6 / (events / 1e6), events, 0, ok, note);
	emit(pair, kase, "dropped_pct", 100.0 * dropped / (written + dropped > 0 ? written + dropped : 1), events, 0,
	     ok, note);
}

static int records_main(int is_ring, int argc, char **argv)
{
	const char *pair = is_ring ? "ring" : "perf";
	if (argc != 5)
		die("usage: bench-anchor %s drain|live SIZE EVENTS WARMUP OBJ", pair);
	const char *mode = argv[0];
	int size = (int)arg_long(argv[1], "SIZE");
	uint64_t events = arg_long(argv[2], "EVENTS"), warmup = arg_long(argv[3], "WARMUP");
	if (size != 8 && size != 128)
		die("SIZE must be 8 or 128");
	int is_drain = strcmp(mode, "drain") == 0;
	if (!is_drain && strcmp(mode, "live") != 0)
		die("mode must be drain or live");

	struct bpf_object *obj = bpf_object__open_file(argv[4], NULL);
	if (!obj)
		die("cannot open %s: %s", argv[4], strerror(errno));
	if (bpf_object__load(obj))
		die("cannot load %s: %s", argv[4], strerror(errno));
	char prog_name[32];
	snprintf(prog_name, sizeof(prog_name), "%s_%d", pair, size);
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, prog_name);
	struct bpf_map *map = bpf_object__find_map_by_name(obj, pair);
	struct bpf_map *bss = bpf_object__find_map_by_name(obj, ".bss");
	if (!prog || !map || !bss)
		die("%s lacks program %s, map %s or .bss", argv[4], prog_name, pair);
	if (bpf_map__value_size(bss) < 16)
		die(".bss is smaller than struct counters");
	bss_fd = bpf_map__fd(bss);

	struct consumer c = { 0 };
	struct reader r = { .is_ring = is_ring };
	if (is_ring)
		r.rb = ring_buffer__new(bpf_map__fd(map), on_ring, &c, NULL);
	else
		r.pb = perf_buffer__new(bpf_map__fd(map), PERF_PAGES, on_perf, on_lost, &c, NULL);
	if (is_ring ? !r.rb : !r.pb)
		die("cannot create the %s reader: %s", pair, strerror(errno));

	char kase[32];
	snprintf(kase, sizeof(kase), "%s-%dB", mode, size);
	if (is_drain)
		drain(pair, kase, &r, &c, bpf_program__fd(prog), cycle_records(is_ring, size), events, warmup);
	else
		live(pair, kase, &r, &c, bpf_program__fd(prog), events, warmup);

	if (is_ring)
		ring_buffer__free(r.rb);
	else
		perf_buffer__free(r.pb);
	bpf_object__close(obj);
	return 0;
}

int ring_main(int argc, char **argv)
{
	return records_main(1, argc, argv);
}

int perf_main(int argc, char **argv)
{
	return records_main(0, argc, argv);
}
