/*
 * A bottleneck and delay line for HystartLiveKernelTest: two TUN devices (IFF_TUN | IFF_NO_PI); every packet read
 * from one is written to the other, in order, as pktsim's LinkPipe passes it: behind a drop-tail queue, serialised
 * at the line rate as an Ethernet frame on the wire (the IP packet plus 14 bytes of header and 24 of FCS, preamble
 * and gap: 1538 bytes for 1500), and delivered the one-way delay after the frame's FCS left (CLOCK_MONOTONIC).
 * A packet is dropped if the wire bytes not yet serialised plus its own exceed the queue limit. Both directions
 * have the rate; only A to B has the queue limit. Single thread, ppoll() with a nanosecond timeout to the next due
 * packet, SCHED_FIFO and a 1 ns timer slack to keep the lateness small: the kernel's own timers (a qdisc's
 * watchdog, its NET_TX softirq) may run late in ksoftirqd on a loaded host, this process much less.
 *
 * Usage: delayline DELAY_US RATE_BPS QUEUE_WIRE_BYTES TUN_A TUN_B
 * Prints "ready" on stdout once both devices exist. On SIGUSR1 prints, per direction, the packets forwarded, the
 * packets dropped (ring full or failed write), the packets the queue dropped, the largest lateness of a write
 * behind its due time and the packets written more than 200 us and 1 ms late, then "end", and starts these
 * figures again; on SIGTERM or SIGINT prints them and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 4096
#define SLOT_BYTES 2048

struct line {
    int in;
    int out;
    unsigned head;
    unsigned tail;
    int64_t due[SLOTS];
    int len[SLOTS];
    unsigned char buf[SLOTS][SLOT_BYTES];
    int64_t busy_ns;
    int64_t rate_bps;
    int64_t limit_bytes;
    long forwarded;
    long dropped;
    long queue_drops;
    int64_t worst_late_ns;
    long late_200us;
    long late_1ms;
};

static struct line lines[2];
static volatile sig_atomic_t stop;
static volatile sig_atomic_t report;

static void on_signal(int sig) {
    if (sig == SIGUSR1) {
        report = 1;
    } else {
        stop = 1;
    }
}

/* One line per direction, then "end"; the figures start again from zero. */
static void print_report(char **names) {
    for (int i = 0; i < 2; i++) {
        struct line *l = &lines[i];
        printf("line %s->%s forwarded %ld dropped %ld queue_drops %ld worst_late_us %lld late_over_200us %ld"
            " late_over_1ms %ld\n", names[i], names[1 - i], l->forwarded, l->dropped, l->queue_drops,
            (long long) (l->worst_late_ns / 1000), l->late_200us, l->late_1ms);
        l->forwarded = 0;
        l->dropped = 0;
        l->queue_drops = 0;
        l->worst_late_ns = 0;
        l->late_200us = 0;
        l->late_1ms = 0;
    }
    printf("end\n");
    fflush(stdout);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int open_tun(const char *name) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    if (fd < 0) {
        perror("open /dev/net/tun");
        exit(2);
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("TUNSETIFF");
        exit(2);
    }
    return fd;
}

/* Reads every packet waiting on the line's input, each due delay_ns after now. */
static void take(struct line *l, int64_t delay_ns) {
    for (;;) {
        unsigned slot = l->tail % SLOTS;
        if (l->tail - l->head == SLOTS) {
            unsigned char scratch[SLOT_BYTES];
            if (read(l->in, scratch, sizeof scratch) < 0) {
                return;
            }
            l->dropped++;
            continue;
        }
        ssize_t n = read(l->in, l->buf[slot], SLOT_BYTES);
        if (n < 0) {
            return;
        }
        int64_t now = now_ns();
        int64_t wire = n + 38;
        int64_t waiting = l->busy_ns > now ? ((l->busy_ns - now) * l->rate_bps + 7999999999LL) / 8000000000LL : 0;
        if (waiting + wire > l->limit_bytes) {
            l->queue_drops++;
            continue;
        }
        if (l->busy_ns < now) {
            l->busy_ns = now;
        }
        /* the FCS has left 12 bytes (the gap) before the line is free */
        l->due[slot] = l->busy_ns + (wire - 12) * 8000000000LL / l->rate_bps + delay_ns;
        l->busy_ns += wire * 8000000000LL / l->rate_bps;
        l->len[slot] = (int) n;
        l->tail++;
    }
}

/* Writes every packet now due; returns the due time of the next one, or INT64_MAX. */
static int64_t give(struct line *l) {
    while (l->head != l->tail) {
        unsigned slot = l->head % SLOTS;
        int64_t now = now_ns();
        if (l->due[slot] > now) {
            return l->due[slot];
        }
        int64_t late = now - l->due[slot];
        if (late > l->worst_late_ns) {
            l->worst_late_ns = late;
        }
        if (late > 200000) {
            l->late_200us++;
        }
        if (late > 1000000) {
            l->late_1ms++;
        }
        if (write(l->out, l->buf[slot], (size_t) l->len[slot]) < 0) {
            l->dropped++;
        } else {
            l->forwarded++;
        }
        l->head++;
    }
    return INT64_MAX;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: delayline DELAY_US RATE_BPS QUEUE_WIRE_BYTES TUN_A TUN_B\n");
        return 2;
    }
    int64_t delay_ns = atoll(argv[1]) * 1000LL;
    char **names = argv + 4;
    int a = open_tun(names[0]);
    int b = open_tun(names[1]);
    for (int i = 0; i < 2; i++) {
        lines[i].rate_bps = atoll(argv[2]);
        lines[i].limit_bytes = i == 0 ? atoll(argv[3]) : INT64_MAX / 2;
    }
    lines[0].in = a;
    lines[0].out = b;
    lines[1].in = b;
    lines[1].out = a;
    struct sched_param sp = {.sched_priority = 10};
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0) {
        perror("SCHED_FIFO (going on without it)");
    }
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGUSR1, on_signal);
    /* the signals arrive only inside ppoll(), so none is missed between a check and the wait */
    sigset_t blocked;
    sigset_t waiting;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blocked, &waiting);
    printf("ready\n");
    fflush(stdout);
    struct pollfd fds[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
    while (!stop) {
        if (report) {
            report = 0;
            print_report(names);
        }
        int64_t next = give(&lines[0]);
        int64_t next1 = give(&lines[1]);
        if (next1 < next) {
            next = next1;
        }
        struct timespec timeout;
        struct timespec *tp = NULL;
        if (next != INT64_MAX) {
            int64_t wait = next - now_ns();
            if (wait < 0) {
                wait = 0;
            }
            timeout.tv_sec = wait / 1000000000LL;
            timeout.tv_nsec = wait % 1000000000LL;
            tp = &timeout;
        }
        int r = ppoll(fds, 2, tp, &waiting);
        if (r < 0 && errno != EINTR) {
            perror("ppoll");
            return 1;
        }
        if (r > 0) {
            if (fds[0].revents & POLLIN) {
                take(&lines[0], delay_ns);
            }
            if (fds[1].revents & POLLIN) {
                take(&lines[1], delay_ns);
            }
        }
    }
    print_report(names);
    return 0;
}
