package node

import "syscall"

// pipeBytes is the capacity the node asks for its stdin and stdout pipes
// (Linux's default is 64 KiB): a reply of the whole set, or a burst of
// requests, then goes through one system call instead of waiting for the
// other side to drain the pipe a few times. Linux allows up to
// /proc/sys/fs/pipe-max-size (1 MiB by default) without privileges; a
// refusal leaves the pipe as it was.
const pipeBytes = 1 << 20

// growPipe asks for pipeBytes of capacity on the pipe fd.
func growPipe(fd uintptr) {
	const fSetPipeSz = 1031 // F_SETPIPE_SZ
	syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSz, pipeBytes)
}
