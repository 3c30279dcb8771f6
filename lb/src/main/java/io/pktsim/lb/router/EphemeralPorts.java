package io.pktsim.lb.router;

import io.pktsim.core.random.RandomStream;
import java.util.BitSet;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

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
 * a host's UDP sockets, whatever its TCP connections use.
 *
 * <p>Deliberate simplification: a port stays taken after its connection ends (no release after a reset, nor after
 * TIME_WAIT), so a connection opened again never reuses its predecessor's port.
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

    private final RandomStream random;
    /**
     * Per (host, server): its {@code table_perturb} slot, the next offset into the range; {@link #NONE} before the
     * first. Primitive maps: a connection opened again (a known host and server) allocates nothing.
     */
    private final Long2LongHashMap perturb = new Long2LongHashMap(NONE);
    /** The TCP 4-tuples taken: (host, server, port offset), see {@link #tcpKey}. */
    private final LongHashSet tcpUsed;
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
        this.tcpUsed = new LongHashSet(Math.max(1024, 2 * tcpConnections));
    }

    /**
     * The source port of a host's next connection to a server.
     *
     * @param host   LAN host index
     * @param server server index
     * @param udp    true for a UDP socket
     * @return the port, 32768 to 60999, or {@link #NO_PORT} when every port of the range is taken (for TCP: to that
     *     server)
     */
    int next(final int host, final int server, final boolean udp) {
        return udp ? nextUdp(host) : nextTcp(host, server);
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

    private int nextTcp(final int host, final int server) {
        final long pair = ((long) host << 32) | (server & 0xFFFF_FFFFL);
        final long start = perturb.get(pair);
        int offset = start != NONE ? (int) start : random.nextInt(REMAINING);
        offset = (offset % REMAINING) & ~1;
        // the range's low parity from the offset on, then the other parity (other_parity_scan)
        for (int parity = 0; parity < 2; parity++) {
            int port = offset + parity;
            for (int i = 0; i < REMAINING; i += 2) {
                if (tcpUsed.add(tcpKey(host, server, port))) {
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
