#define _GNU_SOURCE
#include "CSystemShims.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

void cb_sys_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

int64_t cb_sys_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cpus_from_set(const cpu_set_t *set, int *cpus, int max) {
    int n = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++) {
        if (CPU_ISSET(cpu, set)) cpus[n++] = cpu;
    }
    return n;
}

int cb_sys_allowed_cpus(int *cpus, int max) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -errno;
    return cpus_from_set(&set, cpus, max);
}

int cb_sys_pin_current_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return -EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int cb_sys_current_thread_cpus(int *cpus, int max) {
    cpu_set_t set;
    CPU_ZERO(&set);
    int rc = pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
    if (rc != 0) return -rc;
    return cpus_from_set(&set, cpus, max);
}

int cb_sys_current_cpu(void) {
    int cpu = sched_getcpu();
    return cpu < 0 ? -errno : cpu;
}

int cb_sys_set_thread_name(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof(truncated) - 1);
    truncated[sizeof(truncated) - 1] = 0;
    return -pthread_setname_np(pthread_self(), truncated);
}

int cb_sys_eventfd_create(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cb_sys_eventfd_signal(int fd) {
    uint64_t one = 1;
    // EAGAIN means the counter is saturated: the reader is already due to wake.
    if (write(fd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN) return -errno;
    return 0;
}

int64_t cb_sys_eventfd_drain(int fd) {
    uint64_t value = 0;
    ssize_t n = read(fd, &value, sizeof(value));
    if (n == sizeof(value)) return (int64_t)value;
    return errno == EAGAIN ? 0 : -errno;
}

int cb_sys_timerfd_create(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cb_sys_timerfd_arm(int fd, int64_t initial_ns, int64_t interval_ns) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof(spec));
    // An all-zero it_value would disarm the timer; a 1 ns start means "now".
    if (initial_ns <= 0) initial_ns = 1;
    spec.it_value.tv_sec = initial_ns / 1000000000LL;
    spec.it_value.tv_nsec = initial_ns % 1000000000LL;
    spec.it_interval.tv_sec = interval_ns / 1000000000LL;
    spec.it_interval.tv_nsec = interval_ns % 1000000000LL;
    return timerfd_settime(fd, 0, &spec, NULL) == 0 ? 0 : -errno;
}

int64_t cb_sys_timerfd_drain(int fd) {
    uint64_t expirations = 0;
    ssize_t n = read(fd, &expirations, sizeof(expirations));
    if (n == sizeof(expirations)) return (int64_t)expirations;
    return errno == EAGAIN ? 0 : -errno;
}

int cb_sys_wait_readable(int fd, int timeout_ms) {
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    int rc = poll(&p, 1, timeout_ms);
    if (rc < 0) return -errno;
    return rc > 0 && (p.revents & POLLIN) ? 1 : 0;
}

int cb_sys_recv_batch(int fd, cb_datagram *slots, int count) {
    if (count > CB_SYS_MAX_BATCH) count = CB_SYS_MAX_BATCH;
    if (count <= 0) return 0;
    struct mmsghdr msgs[CB_SYS_MAX_BATCH];
    struct iovec iovs[CB_SYS_MAX_BATCH];
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        iovs[i].iov_base = slots[i].buffer;
        iovs[i].iov_len = slots[i].capacity;
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &slots[i].address;
        msgs[i].msg_hdr.msg_namelen = sizeof(slots[i].address);
    }
    int n = recvmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT, NULL);
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        // A datagram larger than the slot is truncated by the kernel; report 0 so the caller drops it.
        slots[i].length = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? 0 : msgs[i].msg_len;
        slots[i].address_length = msgs[i].msg_hdr.msg_namelen;
    }
    return n;
}

int cb_sys_send_batch(int fd, cb_datagram *slots, int count) {
    if (count > CB_SYS_MAX_BATCH) count = CB_SYS_MAX_BATCH;
    if (count <= 0) return 0;
    struct mmsghdr msgs[CB_SYS_MAX_BATCH];
    struct iovec iovs[CB_SYS_MAX_BATCH];
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        iovs[i].iov_base = slots[i].buffer;
        iovs[i].iov_len = slots[i].length;
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &slots[i].address;
        msgs[i].msg_hdr.msg_namelen = slots[i].address_length;
    }
    int n = sendmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT);
    return n < 0 ? -errno : n;
}

int cb_sys_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cb_sys_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 ? 0 : -errno;
}

int cb_sys_epoll_remove(int epfd, int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) == 0 ? 0 : -errno;
}

int cb_sys_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms) {
    struct epoll_event events[64];
    if (max > 64) max = 64;
    int n = epoll_wait(epfd, events, max, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) tokens[i] = events[i].data.u64;
    return n;
}

int cb_sys_make_address(const char *address, uint16_t port, struct sockaddr_storage *out, socklen_t *length) {
    memset(out, 0, sizeof(*out));
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        *length = sizeof(*v4);
        return 0;
    }
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        *length = sizeof(*v6);
        return 0;
    }
    return -EINVAL;
}

int cb_sys_udp_bind(const char *address, uint16_t port, int receive_buffer_bytes) {
    struct sockaddr_storage storage;
    socklen_t length;
    if (cb_sys_make_address(address, port, &storage, &length) != 0) return -EINVAL;
    int fd = socket(storage.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (receive_buffer_bytes > 0) {
        // Media arrives in bursts (a keyframe is hundreds of packets): ask for a large buffer.
        // SO_RCVBUFFORCE passes net.core.rmem_max when privileged; otherwise the kernel caps it.
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer_bytes, sizeof(receive_buffer_bytes)) != 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof(receive_buffer_bytes));
    }
    if (bind(fd, (struct sockaddr *)&storage, length) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int cb_sys_local_port(int fd) {
    struct sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    if (getsockname(fd, (struct sockaddr *)&storage, &length) != 0) return -errno;
    return cb_sys_address_port(&storage);
}

int cb_sys_address_port(const struct sockaddr_storage *address) {
    if (address->ss_family == AF_INET) return ntohs(((const struct sockaddr_in *)address)->sin_port);
    if (address->ss_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)address)->sin6_port);
    return -EAFNOSUPPORT;
}

int cb_sys_send_to(int fd, const void *bytes, size_t length, const struct sockaddr_storage *address, socklen_t address_length) {
    ssize_t n = sendto(fd, bytes, length, MSG_DONTWAIT, (const struct sockaddr *)address, address_length);
    return n < 0 ? -errno : (int)n;
}

int cb_sys_address_text(const struct sockaddr_storage *address, char *out, size_t size) {
    const void *raw = address->ss_family == AF_INET
        ? (const void *)&((const struct sockaddr_in *)address)->sin_addr
        : (const void *)&((const struct sockaddr_in6 *)address)->sin6_addr;
    return inet_ntop(address->ss_family, raw, out, (socklen_t)size) ? 0 : -errno;
}
