// SPDX-License-Identifier: GPL-2.0
/* CO-RE relocations of every kind, for the .BTF.ext parser tests (BtfExtTest). Local types mirror kernel ones. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___local {
	int pid;
	int tgid;
	struct {
		unsigned int flags_lo : 4;
		int signed_bits : 5;
	};
} __attribute__((preserve_access_index));

enum pid_type___local { PIDTYPE_PID___local, PIDTYPE_TGID___local };

typedef struct task_struct___local task___local;

int out[16];

SEC("tp_btf/sched_switch")
int core_reads(__u64 *ctx)
{
	struct task_struct___local *t = (void *)ctx[1];

	out[0] = BPF_CORE_READ(t, tgid);
	out[1] = bpf_core_field_exists(t->pid);
	out[2] = bpf_core_field_size(t->tgid);
	out[3] = BPF_CORE_READ_BITFIELD_PROBED(t, flags_lo);
	out[4] = BPF_CORE_READ_BITFIELD(t, signed_bits);
	out[5] = bpf_core_type_exists(struct task_struct___local);
	out[6] = bpf_core_type_size(task___local);
	out[7] = bpf_core_type_id_local(struct task_struct___local);
	out[8] = bpf_core_type_id_kernel(struct task_struct___local);
	out[9] = bpf_core_enum_value_exists(enum pid_type___local, PIDTYPE_TGID___local);
	out[10] = bpf_core_enum_value(enum pid_type___local, PIDTYPE_TGID___local);
	out[11] = bpf_core_type_matches(struct task_struct___local);
	out[12] = __builtin_preserve_field_info(t->signed_bits, BPF_FIELD_SIGNED);
	out[13] = bpf_core_field_offset(t->pid);
	return 0;
}

static __noinline int second_func(int x)
{
	return x * 3;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int plain(void *ctx)
{
	out[15] = second_func(out[14]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
