package io.pktsim.lb.router;

import io.pktsim.core.random.RandomStream;
import java.util.BitSet;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;

/**
 * The source ports the LAN hosts' Linux stacks give their connections, drawn at set-up from the run's
 * {@code ephemeral_port} stream, so that they change with the seed and the run as they change from one boot of a
 * real host to the next.
 *
 * <p>TCP follows {@code __inet_hash_connect()} (net/ipv4/inet_hashtables.c, 6.18): the range is
 * {@code ip_local_port_range} 32768–60999 ({@code high + 1 - low} = 28,232 ports, made even); a connection to a
 * destination starts from {@code table_perturb[index] + (port_offset >> 32)}, where {@code port_offset} is the
 * boot-keyed {@code secure_ipv4_port_ephemeral()} / {@code secure_ipv6_port_ephemeral()} hash of the source and
 * destination addresses and the destination port, and {@code table_perturb} is random; the offset is taken
 * modulo the range and made even ({@code connect()} tries ports of the range's low parity first, then, when none
 * is free, those of the other parity: {@code other_parity_scan}). A port is free for a connection when no
 * connection of the host to the same destination uses it: the bind bucket of a port that {@code connect()} took
 * is shared by connections to other destinations ({@code check_established()}, {@code __inet_check_established()}
 * checks the 4-tuple; all servers listen on one port). With every port of the range taken to that destination,
 * {@code connect()} fails with {@code EADDRNOTAVAIL}: {@link #NO_PORT}. After a connection takes a port, its
 * {@code table_perturb} slot advances by {@code max(i, get_random_u32_below(8) * 2) + 2} with {@code i} the ports
 * tried before it in its parity's scan (0 when the first was free), so successive connections from one host to one
 * server take increasing even ports 2 to 16 apart. Both the per-destination start and the steps are modelled, one
 * {@code table_perturb} slot per (host, server) pair.
 *
 * <p>UDP sockets bind on the first send ({@code udp_lib_get_port()} with port 0, net/ipv4/udp.c): a random port
 * in the range, the next free one when it is taken; UDP has its own port space, so a port is never given to two of
 * a host's UDP sockets, whatever its TCP connections use. With every port taken the bind fails and the send
 * returns {@code EAGAIN} ({@code inet_autobind()}, net/ipv4/af_inet.c): {@link #NO_PORT}. The engine's UDP sockets
 * stay open to the end of the run, so UDP ports are never released.
 *
 * <p>A TCP port is taken for its destination until its socket lets it go: at once ({@link #release}) when the socket
 * closes without a {@code TIME_WAIT} ({@code tcp_set_state(sk, TCP_CLOSE)} unhashes it and {@code inet_put_port()}
 * drops it from its bind bucket, net/ipv4/tcp.c: a reset, {@code tcp_done()}; a {@code connect()} the kernel gave up
 * on; a socket closed before its handshake completed; a passive close, whose last ACK ends {@code LAST_ACK}), or
 * {@code TCP_TIMEWAIT_LEN} (60 s, include/net/tcp.h) later when the host closed first ({@link #timeWait}):
 * {@code tcp_time_wait()} (net/ipv4/tcp_minisocks.c) leaves an {@code inet_timewait_sock} in the established hash and
 * the bind bucket, and {@code __inet_check_established()} finds its 4-tuple and refuses the port to that destination,
 * {@code twsk_unique()} / {@code tcp_twsk_unique()} reusing it only with {@code tcp_tw_reuse} 1, or 2 (the default)
 * over loopback, which a home router's LAN hosts do not use; its timer ({@code inet_twsk_hashdance_schedule()},
 * {@code tw_timer_handler()}, net/ipv4/inet_timewait_sock.c) frees it. A released port is free again for a later
 * {@code connect()} to that server whose scan reaches it; the scan itself is unchanged, so a run in which no scan
 * reaches a released port draws the same ports as without the release. Expiry is lazy: a port in {@code TIME_WAIT}
 * carries the time it is free again, which the scan compares with its own time (no event, no allocation).
 */
final class EphemeralPorts {

    /** {@code ip_local_port_range}'s default low end (net/ipv4/af_inet.c, {@code inet_init_net()}). */
    static final int LOW = 32768;
    /** {@code ip_local_port_range}'s default high end. */
    static final int HIGH = 60999;
    /** {@code high + 1 - low}, made even as {@code __inet_hash_connect()} does. */
    static final int REMAINING = (HIGH + 1 - LOW) & ~1;
    /** What {@link #next} returns when the range has no free port ({@code EADDRNOTAVAIL}). */
    static final int NO_PORT = -1;
    /** {@link #perturb}'s missing value. */
    private static final long NONE = -1L;
    /** The ports of the range, UDP's ({@code high + 1 - low}). */
    private static final int UDP_RANGE = HIGH + 1 - LOW;
    /** {@code TCP_TIMEWAIT_LEN} (include/net/tcp.h): how long a port stays in {@code TIME_WAIT}, 60 s in ns. */
    static final long TIME_WAIT_NS = 60_000_000_000L;
    /** {@link #tcpUsed}'s value for a 4-tuple whose socket holds its port. */
    private static final long HELD = Long.MAX_VALUE;
    /** {@link #tcpUsed}'s missing value: a 4-tuple never taken, or released at once. */
    private static final long FREE = Long.MIN_VALUE;

    private final RandomStream random;
    /**
     * Per (host, server): its {@code table_perturb} slot, the next offset into the range; {@link #NONE} before the
     * first. Primitive maps: a connection opened again (a known host and server) allocates nothing.
     */
    private final Long2LongHashMap perturb = new Long2LongHashMap(NONE);
    /**
     * The TCP 4-tuples taken, (host, server, port offset) as {@link #tcpKey}: the time from which the port is free
     * again for that destination, {@link #HELD} while its socket holds it, the end of its {@code TIME_WAIT} after
     * an active close. A 4-tuple released at once is removed. At most one entry per connection of the run, so
     * sized once: drawing and releasing allocate nothing.
     */
    private final Long2LongHashMap tcpUsed;
    /** Per host: UDP ports taken. */
    private final Int2ObjectHashMap<BitSet> udpUsed = new Int2ObjectHashMap<>();

    /**
     * @param random the run's {@code ephemeral_port} stream
     */
    EphemeralPorts(final RandomStream random) {
        this(random, 0);
    }

    /**
     * @param random         the run's {@code ephemeral_port} stream
     * @param tcpConnections the TCP connections the run may open (sizes the table once, so that a connection opened
     *                       again allocates nothing)
     */
    EphemeralPorts(final RandomStream random, final int tcpConnections) {
        this.random = random;
        this.tcpUsed = new Long2LongHashMap(Math.max(1024, 2 * tcpConnections), 0.65f, FREE);
    }

    /**
     * The source port of a host's next connection to a server, at the run's start (nothing released yet).
     *
     * @param host   LAN host index
     * @param server server index
     * @param udp    true for a UDP socket
     * @return the port, 32768 to 60999, or {@link #NO_PORT} when every port of the range is taken (for TCP: to that
     *     server)
     */
    int next(final int host, final int server, final boolean udp) {
        return next(host, server, udp, 0L);
    }

    /**
     * The source port of a host's next connection to a server.
     *
     * @param host   LAN host index
     * @param server server index
     * @param udp    true for a UDP socket
     * @param nowNs  the time of the {@code connect()}: a port whose {@code TIME_WAIT} ends by then is free
     * @return the port, 32768 to 60999, or {@link #NO_PORT} when every port of the range is taken (for TCP: to that
     *     server, {@code TIME_WAIT} included: {@code connect()} fails with {@code EADDRNOTAVAIL}; for UDP: the
     *     automatic bind of the first send fails and {@code sendmsg()} returns {@code EAGAIN})
     */
    int next(final int host, final int server, final boolean udp, final long nowNs) {
        return udp ? nextUdp(host) : nextTcp(host, server, nowNs);
    }

    /**
     * A host's TCP socket lets its port go at once, without {@code TIME_WAIT}: {@code tcp_set_state(sk, TCP_CLOSE)}
     * ({@code inet_put_port()}) after a reset, a {@code connect()} that timed out, a close before the handshake
     * completed, or the last ACK of a passive close. A later {@code connect()} to that server may take it again.
     *
     * @param host   LAN host index
     * @param server server index
     * @param port   the port {@link #next} gave the connection
     */
    void release(final int host, final int server, final int port) {
        tcpUsed.remove(held(host, server, port));
    }

    /**
     * A host's TCP socket closed first (FIN_WAIT, then {@code tcp_time_wait()}): its port stays taken to that
     * server for {@link #TIME_WAIT_NS} ({@code TCP_TIMEWAIT_LEN}), after which {@code tw_timer_handler()} frees it
     * ({@code inet_twsk_kill()}).
     *
     * @param host   LAN host index
     * @param server server index
     * @param port   the port {@link #next} gave the connection
     * @param nowNs  the time the socket enters {@code TIME_WAIT}
     */
    void timeWait(final int host, final int server, final int port, final long nowNs) {
        tcpUsed.put(held(host, server, port), nowNs + TIME_WAIT_NS);
    }

    /** The key of a 4-tuple whose socket holds its port. */
    private long held(final int host, final int server, final int port) {
        final long key = tcpKey(host, server, port - LOW);
        if (tcpUsed.get(key) != HELD) {
            throw new IllegalStateException("EphemeralPorts: port " + port + " of host " + host + " to server "
                    + server + " is not held");
        }
        return key;
    }

    private int nextUdp(final int host) {
        final BitSet taken = udpUsed.computeIfAbsent(host, h -> new BitSet(UDP_RANGE));
        int offset = random.nextInt(UDP_RANGE);
        for (int tried = 0; tried < UDP_RANGE; tried++) {
            if (!taken.get(offset)) {
                taken.set(offset);
                return LOW + offset;
            }
            offset = offset + 1 == UDP_RANGE ? 0 : offset + 1;
        }
        return NO_PORT;
    }

    private int nextTcp(final int host, final int server, final long nowNs) {
        final long pair = ((long) host << 32) | (server & 0xFFFF_FFFFL);
        final long start = perturb.get(pair);
        int offset = start != NONE ? (int) start : random.nextInt(REMAINING);
        offset = (offset % REMAINING) & ~1;
        // the range's low parity from the offset on, then the other parity (other_parity_scan)
        for (int parity = 0; parity < 2; parity++) {
            int port = offset + parity;
            for (int i = 0; i < REMAINING; i += 2) {
                final long key = tcpKey(host, server, port);
                // free: never taken, released at once, or out of TIME_WAIT by now
                if (tcpUsed.get(key) <= nowNs) {
                    tcpUsed.put(key, HELD);
                    perturb.put(pair, offset + Math.max(i, random.nextInt(8) * 2) + 2);
                    return LOW + port;
                }
                port += 2;
                if (port >= REMAINING) {
                    port -= REMAINING;
                }
            }
        }
        return NO_PORT;
    }

    /** A 4-tuple as a key: host (up to 2^31), server (up to 2^16), port offset (below 2^15). */
    private static long tcpKey(final int host, final int server, final int port) {
        return ((long) host << 31) | ((long) (server & 0xFFFF) << 15) | port;
    }
}
