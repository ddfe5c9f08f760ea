/* SPDX-License-Identifier: GPL-2.0 */
/* The record execsnoop.bpf.c sends to user space (ExecEvent.java reads the same layout). */
#ifndef EBPF4J_EXECSNOOP_H
#define EBPF4J_EXECSNOOP_H

#define EXEC_ARG_SIZE 128                                  /* bytes kept of one argument, NUL included */
#define EXEC_ARGS_LIMIT 60                                 /* most arguments --max-args may ask for */
#define EXEC_ARGS_BYTES (EXEC_ARGS_LIMIT * EXEC_ARG_SIZE)  /* room for the arguments */
#define EXEC_COMM_SIZE 16

struct exec_event {
	__s32 pid;          /* the process (tgid) */
	__s32 ppid;         /* its parent's tgid at exec time */
	__u32 uid;
	__s32 retval;       /* execve's return value */
	__s32 args_count;   /* arguments copied; max_args + 1 when more were left out */
	__u32 args_size;    /* bytes used in args */
	char comm[EXEC_COMM_SIZE];
	char args[EXEC_ARGS_BYTES];   /* the arguments, each NUL-terminated */
};

#endif
