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
 * modulo the range and made even ({@code connect()} tries ports of the range's low parity first). After a
 * connection takes a port, its {@code table_perturb} slot advances by {@code max(i, get_random_u32_below(8) * 2)
 * + 2} with {@code i} = 0 (the first port tried was free), so successive connections from one host to one server
 * take increasing even ports 2 to 16 apart. Both the per-destination start and the steps are modelled, one
 * {@code table_perturb} slot per (host, server) pair (all servers listen on one port).
 *
 * <p>UDP sockets bind on the first send ({@code udp_lib_get_port()} with port 0, net/ipv4/udp.c): a random port
 * in the range, the next free one when it is taken. A port is never given twice to one host.
 */
final class EphemeralPorts {

    /** {@code ip_local_port_range}'s default low end (net/ipv4/af_inet.c, {@code inet_init_net()}). */
    static final int LOW = 32768;
    /** {@code ip_local_port_range}'s default high end. */
    static final int HIGH = 60999;
    /** {@code high + 1 - low}, made even as {@code __inet_hash_connect()} does. */
    static final int REMAINING = (HIGH + 1 - LOW) & ~1;
    /** {@link #perturb}'s missing value. */
    private static final long NONE = -1L;

    private final RandomStream random;
    /**
     * Per (host, server): its {@code table_perturb} slot, the next offset into the range; {@link #NONE} before the
     * first. Primitive maps: a connection opened again (a known host and server) allocates nothing.
     */
    private final Long2LongHashMap perturb = new Long2LongHashMap(NONE);
    /** Per host: ports taken. */
    private final Int2ObjectHashMap<BitSet> used = new Int2ObjectHashMap<>();

    /**
     * @param random the run's {@code ephemeral_port} stream
     */
    EphemeralPorts(final RandomStream random) {
        this.random = random;
    }

    /**
     * The source port of a host's next connection to a server.
     *
     * @param host   LAN host index
     * @param server server index
     * @param udp    true for a UDP socket
     * @return the port, 32768 to 60999
     */
    int next(final int host, final int server, final boolean udp) {
        final BitSet taken = used.computeIfAbsent(host, h -> new BitSet(REMAINING));
        int offset;
        int step;
        if (udp) {
            offset = random.nextInt(HIGH + 1 - LOW);
            step = 1;
        } else {
            final long pair = ((long) host << 32) | (server & 0xFFFF_FFFFL);
            final long start = perturb.get(pair);
            offset = start != NONE ? (int) start : random.nextInt(REMAINING);
            offset = (offset % REMAINING) & ~1;
            step = 2;
        }
        int tried = 0;
        while (taken.get(offset)) {
            offset = (offset + step) % (udp ? HIGH + 1 - LOW : REMAINING);
            tried += step;
            if (tried > HIGH + 1 - LOW) {
                throw new IllegalStateException("host " + host + ": no free ephemeral port left");
            }
        }
        taken.set(offset);
        if (!udp) {
            final long pair = ((long) host << 32) | (server & 0xFFFF_FFFFL);
            final int i = Math.max(tried, random.nextInt(8) * 2);
            perturb.put(pair, offset + i + 2);
        }
        return LOW + offset;
    }
}
