#ifndef CALLBRIDGE_CSYSTEMSHIMS_H
#define CALLBRIDGE_CSYSTEMSHIMS_H
// Linux calls Glibc does not import cleanly into Swift (cpu_set_t macros, mmsghdr arrays,
// eventfd/timerfd headers), wrapped as plain functions. All return -errno on failure.
#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Makes stdout line-buffered (progress lines reach a file or pipe as they are printed).
void cb_sys_line_buffer_stdout(void);

/// Monotonic clock in nanoseconds (CLOCK_MONOTONIC).
int64_t cb_sys_monotonic_ns(void);

/// CPUs this process may run on (sched_getaffinity); writes up to `max` ids, returns the count.
int cb_sys_allowed_cpus(int *cpus, int max);
/// Pins the calling thread to one CPU (pthread_setaffinity_np). 0 on success.
int cb_sys_pin_current_thread(int cpu);
/// CPUs the calling thread may run on; writes up to `max` ids, returns the count.
int cb_sys_current_thread_cpus(int *cpus, int max);
/// CPU the calling thread is running on right now (sched_getcpu).
int cb_sys_current_cpu(void);
/// Names the calling thread (shows in top -H, perf); truncated to 15 bytes.
int cb_sys_set_thread_name(const char *name);

/// Non-blocking, close-on-exec eventfd.
int cb_sys_eventfd_create(void);
/// Adds one to the eventfd counter (wakes a waiter).
int cb_sys_eventfd_signal(int fd);
/// Reads and clears the counter; returns it, 0 when nothing was pending.
int64_t cb_sys_eventfd_drain(int fd);

/// Non-blocking, close-on-exec CLOCK_MONOTONIC timerfd.
int cb_sys_timerfd_create(void);
/// Arms the timer: first expiry after `initial_ns`, then every `interval_ns` (0: one-shot).
int cb_sys_timerfd_arm(int fd, int64_t initial_ns, int64_t interval_ns);
/// Reads the number of expirations since the last read; 0 when none.
int64_t cb_sys_timerfd_drain(int fd);

/// Waits for readability on `fd` up to `timeout_ms` (poll). 1 readable, 0 timeout.
int cb_sys_wait_readable(int fd, int timeout_ms);

/// epoll_event is a packed struct on x86_64, which Swift does not import faithfully; these
/// wrappers take a plain 64-bit token per fd instead.
int cb_sys_epoll_create(void);
/// Watches `fd` for input (level-triggered); `token` comes back from cb_sys_epoll_wait.
int cb_sys_epoll_add(int epfd, int fd, uint64_t token);
int cb_sys_epoll_remove(int epfd, int fd);
/// Waits up to `timeout_ms` (-1: forever); writes up to `max` ready tokens; returns the count
/// (0 on timeout or EINTR) or -errno.
int cb_sys_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms);

/// A non-blocking, close-on-exec UDP socket bound to `address` (IPv4 or IPv6 text) and
/// `port` (0: any free port). Returns the fd or -errno; -EINVAL for an unparsable address.
int cb_sys_udp_bind(const char *address, uint16_t port, int receive_buffer_bytes);
/// The locally bound port of a socket, or -errno.
int cb_sys_local_port(int fd);
/// Fills a sockaddr_storage from text address and port. 0 on success, -EINVAL otherwise.
int cb_sys_make_address(const char *address, uint16_t port, struct sockaddr_storage *out, socklen_t *length);
/// sendto with MSG_DONTWAIT; returns bytes sent or -errno.
int cb_sys_send_to(int fd, const void *bytes, size_t length, const struct sockaddr_storage *address, socklen_t address_length);
/// Text form of the address part of a sockaddr_storage into `out`. 0 or -errno.
int cb_sys_address_text(const struct sockaddr_storage *address, char *out, size_t size);
/// Port of a sockaddr_storage (IPv4/IPv6), host order.
int cb_sys_address_port(const struct sockaddr_storage *address);

/// One datagram slot for batched receive/send. The caller owns `buffer`.
typedef struct cb_datagram {
    void *buffer;
    uint32_t capacity;              // bytes available in buffer (receive)
    uint32_t length;                // bytes received / to send
    struct sockaddr_storage address; // source (receive) / destination (send)
    socklen_t address_length;
} cb_datagram;

/// Largest batch the shims accept in one call (the mmsghdr array lives on the stack).
#define CB_SYS_MAX_BATCH 64

/// recvmmsg(MSG_DONTWAIT) into up to `count` slots. Returns datagrams received (0 when
/// none are waiting), or -errno.
int cb_sys_recv_batch(int fd, cb_datagram *slots, int count);
/// sendmmsg of `count` slots. Returns how many were sent, or -errno.
int cb_sys_send_batch(int fd, cb_datagram *slots, int count);

#ifdef __cplusplus
}
#endif
#endif
