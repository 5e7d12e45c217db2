/*
 * rxbuf: read-ahead for the SSH transport fds (LIBSSH_DESIGN §9.1, §10 #3).
 *
 * libssh 0.10 reads its socket 4 KiB at a time, one poll() and one recv()
 * per 4 KiB. For an fd registered here, the process's recv() reads up to
 * RXBUF_SIZE bytes with one syscall and hands libssh 4 KiB slices from
 * that buffer, and poll() reports POLLIN without a syscall while the
 * buffer holds data: a 1-hop download costs one recv per 256 KiB instead
 * of two syscalls per 4 KiB. close() of a registered fd drops its buffer,
 * so a reused fd number never sees stale bytes.
 *
 * poll() also answers POLLOUT for such an fd without a syscall when an
 * earlier real poll said POLLOUT and nothing was sent on the fd since (our
 * send() and write() note every write): libssh 0.10 asks for POLLOUT on
 * every poll of a download once it has written anything.
 *
 * epoll does not see the buffered bytes: whoever waits must not sleep
 * while rxbuf_any_pending() (the engine waits 0 ms then), and hop_drive
 * keeps dispatching while its fd has buffered bytes.
 *
 * Built under AddressSanitizer too (CI runs it); only MemorySanitizer
 * builds leave it out, and rxbuf_enable() is then a no-op returning -1.
 */
#ifndef SSHFWD_RXBUF_H
#define SSHFWD_RXBUF_H

#include <stddef.h>

#define RXBUF_SIZE (256 * 1024)

/* Start read-ahead on fd (an SSH transport, nonblocking). 0 or -1. */
int rxbuf_enable(int fd);
/* Bytes read ahead for fd and not yet handed to libssh. */
size_t rxbuf_pending(int fd);
/* Nonzero when any fd has bytes read ahead. */
int rxbuf_any_pending(void);
/*
 * on: ACK at once what arrives on fd (TCP_QUICKACK: set now, which also
 * sends an ACK the kernel was holding back, and again after every read,
 * since the kernel drops it by itself); off: leave ACKs to the kernel
 * again. For a TCP transport already enabled above. 0 or -1 (not
 * registered, not TCP).
 *
 * Why: an sshd serving only forwards never sets TCP_NODELAY (OpenSSH 9.2
 * does it only when a session runs a command), so under Nagle it holds a
 * small packet, such as a window adjust, until we ACK the one before. While
 * we wait for exactly that window adjust we send nothing the ACK could ride
 * on, and our delayed ACK takes 40 ms. Through 3 hops a chacha20 upload
 * stalled like that about 190 times per GB (bench/RESULTS.md). The engine
 * turns it on only while some channel waits for a window (engine.h).
 */
int rxbuf_quickack(int fd, int on);

#endif
