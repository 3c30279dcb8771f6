package io.pktsim.stack.flowtable;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.hash.Jhash;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.stack.conntrack.ConntrackTable;
import io.pktsim.stack.conntrack.NatMangle;
import io.pktsim.stack.conntrack.TaggedSlots;
import io.pktsim.stack.conntrack.TcpConntrackState;
import io.pktsim.stack.netdev.NetDeviceListener;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * The software flow offload of nftables (an {@code nf_flowtable} with fw4's {@code flow add @ft}), IPv4 and
 * IPv6:
 * net/netfilter/nft_flow_offload.c ({@code nft_flow_offload_eval}), nf_flow_table_core.c
 * ({@code flow_offload_add}, {@code flow_offload_refresh}, {@code nf_flow_offload_gc_step},
 * {@code flow_offload_teardown}, {@code nf_flow_table_cleanup}) and nf_flow_table_ip.c
 * ({@code nf_flow_offload_ip_hook}, {@code nf_flow_offload_ipv6_hook}, {@code nf_flow_state_check},
 * {@code nf_flow_exceeds_mtu}), Linux 6.18.
 *
 * <p>Entering ({@link #offloadEval}, in the forward chain): TCP only once conntrack says ESTABLISHED and
 * assured (the handshake's third packet) and the packet has no FIN or RST; UDP once the connection is
 * confirmed (its second packet, in either direction); never an unconfirmed connection or one already
 * offloaded. Both directions are entered with the devices and MTUs of their routes.
 *
 * <p>The fast path ({@link #forward}, at the ingress hook): a packet whose tuple (with its input device) is
 * found skips the routing lookup, every netfilter chain, conntrack and mwan3's marks; the flow's timeout is
 * refreshed (at most once a second, {@code flow_offload_refresh}), NAT and the TTL (hop limit) decrement are
 * applied with
 * incremental checksums and the output device is set. Packets with IP options, TTL ≤ 1, fragments or beyond
 * the path MTU (and not GSO) take the classic path. As in 6.18, a FIN or RST only marks the flow closing
 * ({@code NF_FLOW_CLOSING}) and stays on the fast path; a SYN on a closing flow tears it down. The garbage
 * collector ({@link #gc}) removes flows idle for {@code nf_flowtable_tcp_timeout} / {@code _udp_timeout}
 * (30 s), flows whose connection died, and hands the connection back to conntrack. Allocation-free.
 *
 * <p>Simplifications: IPv6 packets with extension headers take the classic path; a preallocated capacity
 * instead of an unbounded rhashtable; the transmit
 * (neighbour or direct with the encapsulation of the forward path) is the caller's, and it still passes the
 * egress device's qdisc as in the kernel.
 */
public final class FlowTable implements NetDeviceListener {

    /** {@link #forward} result: no flow; the packet takes the classic path. */
    public static final int MISS = -1;
    /** {@code NF_FLOW_TIMEOUT} and the default of {@code nf_flowtable_tcp_timeout}/{@code _udp_timeout}. */
    public static final long DEFAULT_TIMEOUT_NS = 30_000_000_000L;

    private static final int F_CLOSING = 1;
    private static final int F_IN_USE = 2;
    private static final long REFRESH_GRANULARITY_NS = 1_000_000_000L;
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final ConntrackTable conntrack;
    private final Counters<FlowTableCounter> counters = new Counters<>(FlowTableCounter.class);
    private final int capacity;
    private final long tcpTimeoutNs;
    private final long udpTimeoutNs;
    private final int[] ctEntry;
    private final int[] ctGeneration;
    private final int[] flags;
    private final long[] timeoutNs;
    // per direction d of flow f at index 2f+d
    /** Per direction key k: words 8k..8k+3 source, 8k+4..8k+7 destination (IPv4: word 0, others 0). */
    private final int[] addr;
    private final int[] ports;
    private final int[] iif;
    private final int[] oif;
    private final int[] mtu;
    private final int[] hash;
    private final byte[] proto;
    private final byte[] family;
    private final int[] freeStack;
    private int freeCount;
    /**
     * The hash: per slot the key's hash in the high 32 bits and the direction key in the low 32, -1 when free.
     * A probe compares the key only where the hash matches (see {@code ConntrackTable}).
     */
    private final long[] slots;
    private final int mask;
    private int count;
    private int lastDirection;
    private HardwareOffload hardware;
    private final int[] hwId;
    private TraceBus trace = TraceBus.disabled();
    private int traceComponent;
    private int kindAdd;
    private int kindTeardown;

    /**
     * @param conntrack the connections the flows belong to
     * @param capacity the most flows at once
     * @param tcpTimeoutNs {@code nf_flowtable_tcp_timeout} ({@link #DEFAULT_TIMEOUT_NS})
     * @param udpTimeoutNs {@code nf_flowtable_udp_timeout} ({@link #DEFAULT_TIMEOUT_NS})
     */
    public FlowTable(final ConntrackTable conntrack, final int capacity, final long tcpTimeoutNs,
        final long udpTimeoutNs) {
        if (capacity <= 0 || capacity > (1 << 24)) {
            throw new IllegalArgumentException("FlowTable: capacity " + capacity + " is not in 1..2^24");
        }
        this.conntrack = conntrack;
        this.capacity = capacity;
        this.tcpTimeoutNs = tcpTimeoutNs;
        this.udpTimeoutNs = udpTimeoutNs;
        ctEntry = new int[capacity];
        ctGeneration = new int[capacity];
        flags = new int[capacity];
        timeoutNs = new long[capacity];
        addr = new int[16 * capacity];
        ports = new int[2 * capacity];
        iif = new int[2 * capacity];
        oif = new int[2 * capacity];
        mtu = new int[2 * capacity];
        hash = new int[2 * capacity];
        hwId = new int[2 * capacity];
        java.util.Arrays.fill(hwId, -1);
        proto = new byte[capacity];
        family = new byte[capacity];
        freeStack = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeStack[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        final int slotCount = Integer.highestOneBit(capacity * 4 - 1) << 1;
        slots = new long[slotCount];
        java.util.Arrays.fill(slots, TaggedSlots.EMPTY);
        mask = slotCount - 1;
    }

    /**
     * Publishes flows entering and leaving on a trace bus: {@code ft_add} (conntrack entry, protocol) with the
     * packet that added it, {@code ft_teardown} (conntrack entry, reason: 0 SYN on a closing flow, 1 idle,
     * 2 connection gone, 3 device down, 4 stale route).
     *
     * @param bus the bus
     * @param component the component name, e.g. {@code "flowtable"}
     */
    public void trace(final TraceBus bus, final String component) {
        this.trace = bus;
        this.traceComponent = bus.names().component(component);
        this.kindAdd = bus.names().kind("ft_add", "ct", "proto");
        this.kindTeardown = bus.names().kind("ft_teardown", "ct", "reason");
    }

    /**
     * The flowtable's {@code flags offload}: every flow added is also offered, one direction at a time, to the
     * hardware ({@code nf_flow_offload_add} → the driver's {@code TC_SETUP_FT} callback), removed from it on
     * teardown, and the garbage collector takes the hardware's last use into account
     * ({@code nf_flow_offload_stats}), so that a flow forwarded only by hardware does not time out here.
     *
     * @param offload the hardware, or null for software offload only
     */
    public void hardwareOffload(final HardwareOffload offload) {
        this.hardware = offload;
    }

    /**
     * The hardware id of one direction of the flow of a connection, for tests and the integration.
     *
     * @param ctEntry the connection's conntrack entry
     * @param dir 0 original, 1 reply
     * @return the id {@link HardwareOffload#replace} returned (negative if refused), or -1 if no flow
     */
    public int hardwareId(final int ctEntry, final int dir) {
        for (int f = 0; f < capacity; f++) {
            if ((flags[f] & F_IN_USE) != 0 && this.ctEntry[f] == ctEntry
                && conntrack.generation(ctEntry) == ctGeneration[f]) {
                return hwId[2 * f + dir];
            }
        }
        return -1;
    }

    /** @return the counters */
    public Counters<FlowTableCounter> counters() {
        return counters;
    }

    /** @return flows in the table */
    public int count() {
        return count;
    }

    /** @return the direction (0 original, 1 reply) of the last packet {@link #forward} forwarded */
    public int lastDirection() {
        return lastDirection;
    }

    /**
     * {@code nft_flow_offload_eval}: the forward-chain rule {@code flow add @ft} for a packet whose connection
     * is {@code ref}.
     *
     * @param store the packets
     * @param handle the packet (its ingress device is the route's input)
     * @param ref the packet's conntrack reference ({@code entry << 1 | dir}); negative does nothing
     * @param outIfindex the device the packet leaves by
     * @param outMtuBytes that route's MTU
     * @param inMtuBytes the MTU of the route back through the packet's input device
     * @param nowNs simulated time
     * @return whether a flow was added
     */
    public boolean offloadEval(final PacketStore store, final int handle, final int ref, final int outIfindex,
        final int outMtuBytes, final int inMtuBytes, final long nowNs) {
        if (ref < 0) {
            return false;
        }
        final int e = ref >> 1;
        final int p = conntrack.protocol(e);
        final int st = conntrack.status(e);
        if (p == ConntrackTable.PROTO_TCP) {
            final int tcpFlags = store.buffer().getByte(store.transportHeaderOffset(handle) + 13) & 0xFF;
            if ((tcpFlags & 0x05) != 0 || conntrack.tcpState(e) != TcpConntrackState.ESTABLISHED
                || (st & ConntrackTable.IPS_ASSURED) == 0) {
                counters.increment(FlowTableCounter.NOT_ESTABLISHED);
                return false;
            }
        } else if (p != ConntrackTable.PROTO_UDP) {
            counters.increment(FlowTableCounter.NOT_ESTABLISHED);
            return false;
        }
        if ((st & ConntrackTable.IPS_CONFIRMED) == 0) {
            counters.increment(FlowTableCounter.NOT_CONFIRMED);
            return false;
        }
        if ((st & ConntrackTable.IPS_OFFLOAD) != 0) {
            counters.increment(FlowTableCounter.ALREADY_OFFLOADED);
            return false;
        }
        if (freeCount == 0) {
            counters.increment(FlowTableCounter.TABLE_FULL);
            return false;
        }
        conntrack.offload(e);
        final int f = freeStack[--freeCount];
        final int dir = ref & 1;
        ctEntry[f] = e;
        ctGeneration[f] = conntrack.generation(e);
        flags[f] = F_IN_USE;
        proto[f] = (byte) p;
        family[f] = (byte) conntrack.family(e);
        timeoutNs[f] = nowNs + (p == ConntrackTable.PROTO_TCP ? tcpTimeoutNs : udpTimeoutNs);
        final int in = store.ingressDevice(handle);
        for (int d = 0; d < 2; d++) {
            final int k = 2 * f + d;
            for (int w = 0; w < 4; w++) {
                addr[8 * k + w] = conntrack.tupleAddressWord(e, d, true, w);
                addr[8 * k + 4 + w] = conntrack.tupleAddressWord(e, d, false, w);
            }
            ports[k] = conntrack.tuplePorts(e, d);
            final boolean forward = d == dir;
            iif[k] = forward ? in : outIfindex;
            oif[k] = forward ? outIfindex : in;
            mtu[k] = forward ? outMtuBytes : inMtuBytes;
            hash[k] = storedHash(k);
            insert(k, hash[k]);
        }
        count++;
        counters.increment(FlowTableCounter.ADDED);
        if (hardware != null) {
            for (int d = 0; d < 2; d++) {
                hwId[2 * f + d] = hardware.replace(conntrack, e, d, oif[2 * f + d]);
            }
        }
        if (trace.enabled()) {
            trace.publish(nowNs, traceComponent, kindAdd, handle, e, p);
        }
        return true;
    }

    /**
     * The ingress hook ({@code nf_flow_offload_ip_hook} / {@code _ipv6_hook}) for a packet received on its
     * ingress device.
     *
     * @param store the packets
     * @param handle the packet, network offset set
     * @param nowNs simulated time
     * @return the output interface index if the packet was forwarded by the fast path (NAT and TTL done,
     *     egress device set, {@link PacketStore#FLAG_OFFLOADED} set), else {@link #MISS}
     */
    public int forward(final PacketStore store, final int handle, final long nowNs) {
        final int net = store.networkOffset(handle);
        if (net < 0 || count == 0) {
            return miss();
        }
        final MutableDirectBuffer b = store.buffer();
        final byte[] a = b.byteArray();
        final int ipAt = store.frameOffset(handle) + net;
        final int vihl = b.getByte(ipAt) & 0xFF;
        final boolean v4 = vihl == 0x45;
        final int p;
        final int l4;
        final int ipLength;
        final long ip;
        final int k;
        // one range check per header (20 bytes of IPv4, 40 of IPv6, the ports or TCP's flags), then its fields
        // without a check each; the key goes to find in registers
        if (v4) {
            ip = FrameBytes.address(b, ipAt, 20);
            p = FrameBytes.getByte(a, ip + 9) & 0xFF;
            if ((p != ConntrackTable.PROTO_TCP && p != ConntrackTable.PROTO_UDP)
                || (FrameBytes.getShort(a, ip + 6) & 0x3FFF) != 0 || (FrameBytes.getByte(a, ip + 8) & 0xFF) <= 1) {
                return miss();
            }
            l4 = ipAt + 20;
            ipLength = FrameBytes.getShort(a, ip + 2) & 0xFFFF;
            final int pp = FrameBytes.getInt(a, FrameBytes.address(b, l4, 4));
            k = find(4, FrameBytes.getInt(a, ip + 12), 0, 0, 0, FrameBytes.getInt(a, ip + 16), 0, 0, 0, pp, p,
                store.ingressDevice(handle));
        } else if ((vihl & 0xF0) == 0x60) {
            ip = FrameBytes.address(b, ipAt, 40);
            p = FrameBytes.getByte(a, ip + 6) & 0xFF;
            if ((p != ConntrackTable.PROTO_TCP && p != ConntrackTable.PROTO_UDP)
                || (FrameBytes.getByte(a, ip + 7) & 0xFF) <= 1) {
                return miss();
            }
            l4 = ipAt + 40;
            ipLength = 40 + (FrameBytes.getShort(a, ip + 4) & 0xFFFF);
            final int pp = FrameBytes.getInt(a, FrameBytes.address(b, l4, 4));
            k = find(6, FrameBytes.getInt(a, ip + 8), FrameBytes.getInt(a, ip + 12), FrameBytes.getInt(a, ip + 16),
                FrameBytes.getInt(a, ip + 20), FrameBytes.getInt(a, ip + 24), FrameBytes.getInt(a, ip + 28),
                FrameBytes.getInt(a, ip + 32), FrameBytes.getInt(a, ip + 36), pp, p, store.ingressDevice(handle));
        } else {
            return miss();
        }
        if (k < 0) {
            return miss();
        }
        final int f = k >> 1;
        final int dir = k & 1;
        if (conntrack.generation(ctEntry[f]) != ctGeneration[f]) {
            return miss();
        }
        if (ipLength > mtu[k] && store.gsoSize(handle) == 0) {
            counters.increment(FlowTableCounter.MISS_MTU);
            return MISS;
        }
        if (p == ConntrackTable.PROTO_TCP) {
            final int tcpFlags = b.getByte(l4 + 13) & 0xFF;
            if ((tcpFlags & 0x02) != 0 && (flags[f] & F_CLOSING) != 0) {
                counters.increment(FlowTableCounter.TEARDOWN_SYN);
                traceTeardown(f, 0, nowNs);
                remove(f, true, false, nowNs);
                return MISS;
            }
            if ((tcpFlags & 0x05) != 0 && (flags[f] & F_CLOSING) == 0) {
                flags[f] |= F_CLOSING;
                counters.increment(FlowTableCounter.CLOSING);
            }
        }
        final long t = nowNs + (p == ConntrackTable.PROTO_TCP ? tcpTimeoutNs : udpTimeoutNs);
        if (t - timeoutNs[f] > REFRESH_GRANULARITY_NS) {
            timeoutNs[f] = t;
        }
        final int e = ctEntry[f];
        if ((conntrack.status(e) & ConntrackTable.IPS_SRC_NAT) != 0) {
            if (v4) {
                if (dir == 0) {
                    NatMangle.rewrite(store, handle, true, conntrack.tupleDst(e, 1),
                        conntrack.tuplePorts(e, 1) & 0xFFFF);
                } else {
                    NatMangle.rewrite(store, handle, false, conntrack.tupleSrc(e, 0),
                        conntrack.tuplePorts(e, 0) >>> 16);
                }
            } else {
                final int cd = dir == 0 ? 1 : 0;
                final boolean src = dir != 0;
                NatMangle.rewrite6(store, handle, dir == 0, conntrack.tupleAddressWord(e, cd, src, 0),
                    conntrack.tupleAddressWord(e, cd, src, 1), conntrack.tupleAddressWord(e, cd, src, 2),
                    conntrack.tupleAddressWord(e, cd, src, 3),
                    dir == 0 ? conntrack.tuplePorts(e, 1) & 0xFFFF : conntrack.tuplePorts(e, 0) >>> 16);
            }
        }
        if (v4) {
            decreaseTtl(a, ip);
        } else {
            FrameBytes.putByte(a, ip + 7, (byte) ((FrameBytes.getByte(a, ip + 7) & 0xFF) - 1));
        }
        store.egressDevice(handle, oif[k]);
        store.setFlag(handle, PacketStore.FLAG_OFFLOADED);
        lastDirection = dir;
        counters.increment(FlowTableCounter.HIT);
        return oif[k];
    }

    private int miss() {
        counters.increment(FlowTableCounter.MISS);
        return MISS;
    }

    /** {@code ip_decrease_ttl()}: TTL − 1 and the header checksum patched for the TTL/protocol word. */
    /** TTL minus one with the header checksum updated; {@code ip} is the IPv4 header's checked address. */
    private static void decreaseTtl(final byte[] a, final long ip) {
        final int oldWord = FrameBytes.getShort(a, ip + 8) & 0xFFFF;
        final int newWord = oldWord - 0x0100;
        FrameBytes.putShort(a, ip + 8, (short) newWord);
        FrameBytes.putShort(a, ip + 10, (short) InetChecksum.replace16(FrameBytes.getShort(a, ip + 10) & 0xFFFF,
            oldWord, newWord));
    }

    /**
     * The garbage collector ({@code nf_flow_offload_gc_step} over every flow): removes flows past their
     * timeout ({@link FlowTableCounter#TIMED_OUT}) and flows whose connection died
     * ({@link FlowTableCounter#CONNTRACK_GONE}), handing live connections back to conntrack.
     *
     * @param nowNs simulated time
     * @return flows removed
     */
    public int gc(final long nowNs) {
        int removed = 0;
        for (int f = 0; f < capacity; f++) {
            if ((flags[f] & F_IN_USE) == 0) {
                continue;
            }
            final int e = ctEntry[f];
            if (conntrack.generation(e) != ctGeneration[f] || !conntrack.inUse(e)) {
                counters.increment(FlowTableCounter.CONNTRACK_GONE);
                traceTeardown(f, 2, nowNs);
                remove(f, false, false, nowNs);
                removed++;
            } else if (hardware != null && (hwId[2 * f] >= 0 || hwId[2 * f + 1] >= 0)) {
                hardwareStats(f, nowNs);
            }
            if ((flags[f] & F_IN_USE) != 0 && conntrack.generation(e) == ctGeneration[f]
                && nowNs - timeoutNs[f] >= 0) {
                counters.increment(FlowTableCounter.TIMED_OUT);
                traceTeardown(f, 1, nowNs);
                remove(f, true, true, nowNs);
                removed++;
            }
        }
        return removed;
    }

    /** {@code nf_flow_table_cleanup}: a device went down; its flows are torn down. */
    @Override
    public void onDeviceEvent(final int ifindex, final int event, final int arg, final long nowNs) {
        if (event != NETDEV_DOWN) {
            return;
        }
        for (int f = 0; f < capacity; f++) {
            if ((flags[f] & F_IN_USE) != 0 && (iif[2 * f] == ifindex || iif[2 * f + 1] == ifindex)) {
                counters.increment(FlowTableCounter.DEVICE_DOWN);
                traceTeardown(f, 3, nowNs);
                remove(f, conntrack.generation(ctEntry[f]) == ctGeneration[f], false, nowNs);
            }
        }
    }

    /**
     * A route change made every cached route stale (IPv4's {@code rt_cache_flush}, IPv6's route serial numbers):
     * {@code nf_flow_dst_check()} (net/netfilter/nf_flow_table_ip.c, 6.18, at every packet since "netfilter:
     * flowtable: move dst_check to packet path") tears down a flow sent through the neighbour layer
     * ({@code FLOW_OFFLOAD_XMIT_NEIGH}: every flow of a flowtable without {@code flags offload} whose path has no
     * bridge, {@code nft_dev_path_info()}) at its next packet, which continues on the classic path. This tears down
     * every flow at once, which is the same for a flow that has a next packet; the caller knows which flows are
     * sent that way. The connections go back to conntrack as the garbage collector hands them back.
     *
     * @param nowNs simulated time
     * @return flows removed
     */
    public int teardownStaleRoutes(final long nowNs) {
        int removed = 0;
        for (int f = 0; f < capacity; f++) {
            if ((flags[f] & F_IN_USE) != 0) {
                counters.increment(FlowTableCounter.STALE_ROUTE);
                traceTeardown(f, 4, nowNs);
                remove(f, conntrack.generation(ctEntry[f]) == ctGeneration[f], false, nowNs);
                removed++;
            }
        }
        return removed;
    }

    private void traceTeardown(final int f, final int reason, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, traceComponent, kindTeardown, TraceEvent.NO_PACKET, ctEntry[f], reason);
        }
    }

    /** {@code nf_flow_offload_stats}: timeout = max(timeout, lastused + flow timeout). */
    private void hardwareStats(final int f, final long nowNs) {
        long idle = Long.MAX_VALUE;
        for (int d = 0; d < 2; d++) {
            final int id = hwId[2 * f + d];
            if (id >= 0) {
                idle = Math.min(idle, hardware.idleNs(id, nowNs));
            }
        }
        if (idle != Long.MAX_VALUE) {
            final long t = nowNs - idle + (proto[f] == ConntrackTable.PROTO_TCP ? tcpTimeoutNs : udpTimeoutNs);
            if (t > timeoutNs[f]) {
                timeoutNs[f] = t;
            }
        }
    }

    private void remove(final int f, final boolean ctLive, final boolean idle, final long nowNs) {
        if (hardware != null) {
            for (int d = 0; d < 2; d++) {
                if (hwId[2 * f + d] >= 0) {
                    hardware.destroy(hwId[2 * f + d]);
                }
                hwId[2 * f + d] = -1;
            }
        }
        removeSlot(2 * f, hash[2 * f]);
        removeSlot(2 * f + 1, hash[2 * f + 1]);
        if (ctLive) {
            conntrack.flowTeardown(ctEntry[f], (flags[f] & F_CLOSING) != 0, idle,
                proto[f] == ConntrackTable.PROTO_TCP ? tcpTimeoutNs : udpTimeoutNs, nowNs);
        }
        flags[f] = 0;
        freeStack[freeCount++] = f;
        count--;
    }

    /**
     * Whether an IPv4 connection has a flow here, for tests and traces.
     *
     * @param srcAddr the source
     * @param dstAddr the destination
     * @param portPair source port high, destination port low
     * @param p IP protocol
     * @param inIfindex the input device
     * @return whether a flow matches
     */
    public boolean contains(final int srcAddr, final int dstAddr, final int portPair, final int p,
        final int inIfindex) {
        return find(4, srcAddr, 0, 0, 0, dstAddr, 0, 0, 0, portPair, p, inIfindex) >= 0;
    }

    // ---------------------------------------------------------------- hash

    private static int fold(final int w0, final int w1, final int w2, final int w3) {
        return w0 ^ Integer.rotateLeft(w1, 8) ^ Integer.rotateLeft(w2, 16) ^ Integer.rotateLeft(w3, 24);
    }

    private static int hashOf(final int s, final int d, final int pp, final int p) {
        return Jhash.jhash3Words(s, d, pp, 0x0F10_7AB1 ^ p);
    }

    private int storedHash(final int k) {
        final int b = 8 * k;
        return hashOf(fold(addr[b], addr[b + 1], addr[b + 2], addr[b + 3]),
            fold(addr[b + 4], addr[b + 5], addr[b + 6], addr[b + 7]), ports[k], proto[k >> 1]);
    }

    /** The flow key of a tuple (source and destination address words, most significant first), or -1. */
    private int find(final int fam, final int s0, final int s1, final int s2, final int s3, final int d0,
        final int d1, final int d2, final int d3, final int pp, final int p, final int in) {
        final int h = hashOf(fold(s0, s1, s2, s3), fold(d0, d1, d2, d3), pp, p);
        final long[] s = slots;
        int i = h & mask;
        while (true) {
            final long v = s[i];
            final int k = (int) v;
            if (k < 0) {
                return -1;
            }
            final int b = 8 * k;
            if ((int) (v >>> 32) == h && ports[k] == pp && proto[k >> 1] == p && iif[k] == in && family[k >> 1] == fam
                && addr[b] == s0 && addr[b + 4] == d0 && addr[b + 1] == s1 && addr[b + 2] == s2
                && addr[b + 3] == s3 && addr[b + 5] == d1 && addr[b + 6] == d2 && addr[b + 7] == d3) {
                return k;
            }
            i = (i + 1) & mask;
        }
    }

    private void insert(final int k, final int h) {
        TaggedSlots.insert(slots, mask, h, k);
    }

    private void removeSlot(final int k, final int h) {
        if (!TaggedSlots.remove(slots, mask, h, k)) {
            throw new IllegalStateException("FlowTable: flow key " + k + " is not in the hash (" + count
                + " of " + capacity + " flows)");
        }
    }
}
