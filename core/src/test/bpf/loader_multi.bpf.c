// SPDX-License-Identifier: GPL-2.0
/* Multi-place probes: uprobe.multi, uretprobe.multi and uprobe.session programs (bare sections: the test names the
 * native binary uprobe_multi_target and a pattern or symbols with cookies), a uprobe.multi section with a libc pattern
 * and its sleepable variant (attached from the section name), and a kprobe.session program (this kernel has no fprobe:
 * attaching fails clearly). libbpf 1.1 knows none of these section names. */
#include "loader_common.h"
#include <linux/ptrace.h>
#include <bpf/bpf_tracing.h>

extern bool bpf_session_is_return(void) __ksym __weak;
extern __u64 *bpf_session_cookie(void) __ksym __weak;

const volatile __u32 target_tgid;

__u64 entry_hits;		/* uprobe.multi: every entry */
__u64 cookie_hits[8];		/* uprobe.multi: entries by BPF cookie (0..7) */
__s64 return_sum;		/* uretprobe.multi: sum of the return values */
__u64 return_hits;
__u64 session_entries;		/* uprobe.session */
__u64 session_returns;
__u64 session_cookie_ok;	/* returns whose session cookie holds what the entry stored */
__u64 libc_hits;		/* uprobe.multi on libc getpgid */
__u64 libc_sleepable_hits;	/* uprobe.multi.s on libc getsid */
__u64 kprobe_session_hits;

SEC("uprobe.multi")
int on_multi_entry(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	__sync_fetch_and_add(&entry_hits, 1);
	if (cookie < 8)
		__sync_fetch_and_add(&cookie_hits[cookie], 1);
	return 0;
}

SEC("uretprobe.multi")
int on_multi_return(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&return_sum, (__s64) PT_REGS_RC(ctx));
	__sync_fetch_and_add(&return_hits, 1);
	return 0;
}

/* Attached with cookies 1 (ebpf4j_multi_add: x + 100), 2 (ebpf4j_multi_sub: x - 100) and 3 (ebpf4j_multi_mul): the
 * entry stores x + 1000 in the session cookie and returns 1 (no run at return) for cookie 3, 0 elsewhere; the return
 * run checks the session cookie against the return value. */
SEC("uprobe.session")
int on_session(struct pt_regs *ctx)
{
	__u64 *cookie = bpf_session_cookie();
	__u64 ret, expected;

	if (!bpf_session_is_return()) {
		__sync_fetch_and_add(&session_entries, 1);
		*cookie = PT_REGS_PARM1(ctx) + 1000;
		return bpf_get_attach_cookie(ctx) == 3;
	}
	__sync_fetch_and_add(&session_returns, 1);
	ret = PT_REGS_RC(ctx);
	expected = bpf_get_attach_cookie(ctx) == 1 ? ret - 100 + 1000 : ret + 100 + 1000;
	if (*cookie == expected)
		__sync_fetch_and_add(&session_cookie_ok, 1);
	return 0;
}

SEC("uprobe.multi/libc.so.6:getpgi?")
int on_libc_multi(struct pt_regs *ctx)
{
	if (FROM_TEST(target_tgid))
		__sync_fetch_and_add(&libc_hits, 1);
	return 0;
}

SEC("uprobe.multi.s/libc.so.6:getsi?")
int on_libc_multi_sleepable(struct pt_regs *ctx)
{
	if (FROM_TEST(target_tgid))
		__sync_fetch_and_add(&libc_sleepable_hits, 1);
	return 0;
}

SEC("kprobe.session/do_sys_openat2")
int on_kprobe_session(struct pt_regs *ctx)
{
	if (!bpf_session_is_return())
		__sync_fetch_and_add(&kprobe_session_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
