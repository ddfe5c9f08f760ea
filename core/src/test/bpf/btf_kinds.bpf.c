// SPDX-License-Identifier: GPL-2.0
/* Exercises every BTF kind clang emits, for the BTF parser/dump tests (BtfObjectDumpTest). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __type_tag(x) __attribute__((btf_type_tag(x)))

typedef unsigned int u32_t;
typedef u32_t counter_t;              /* typedef chain */
typedef const volatile counter_t cv_counter_t;

enum colour { RED, GREEN = 5, BLUE = -3 };                  /* signed enum */
enum big { SMALL = 1, HUGE = 0xfffffffff0000000ULL };       /* 64-bit enum */
enum neg64 { NEG_MIN = -0x7fffffffffffffffLL - 1, NEG_ONE = -1 };

struct fwd_only;                      /* FWD struct */
union fwd_union;                      /* FWD union */

struct bits {
	unsigned int a : 3;
	unsigned int b : 5;
	int c : 7;
	unsigned long long d : 40;
	char tail;
	_Bool flag;
	signed char sc;
} __tag("bits_tag");

union number {
	int i;
	float f;
	double d;
	long long ll;
};

struct nested {
	int kind;
	union {                           /* anonymous union */
		struct {                      /* anonymous struct inside */
			short lo;
			short hi;
		};
		int whole;
	};
	struct bits b;
	union number n;
	int (*callback)(int, const char *, ...);
	struct fwd_only *opaque;
	union fwd_union *opaque_u;
	cv_counter_t counters[4][2];
	int __type_tag("user") *user_ptr;
	const char *restrict name;
	volatile long vol;
	enum colour col;
	enum big big;
	enum neg64 neg;
	int field __tag("field_tag");
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct nested);
} nested_map SEC(".maps");

int global_counter = 0;
const volatile int rodata_value = 7;
static int static_bss;
struct nested global_nested;
float ratio = 1.5f;

static __noinline int helper_static(struct nested *n, int x) __tag("helper_tag")
{
	return n->kind + x + static_bss;
}

__noinline int helper_global(int a __tag("param_tag"), union number *num)
{
	return a + num->i;
}

extern int bpf_extern_helper(int a) __ksym __weak;

SEC("tracepoint/syscalls/sys_enter_openat")
int handle_openat(void *ctx)
{
	__u32 key = 0;
	struct nested *n = bpf_map_lookup_elem(&nested_map, &key);
	union number num = { .i = rodata_value };

	if (!n)
		return 0;
	static_bss++;
	global_counter += helper_static(n, 1) + helper_global(2, &num);
	global_nested.lo = n->lo;
	global_nested.b.d = n->b.d + 1;
	if (bpf_extern_helper)
		global_counter += bpf_extern_helper(3);
	*(volatile float *)&ratio = ratio;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
