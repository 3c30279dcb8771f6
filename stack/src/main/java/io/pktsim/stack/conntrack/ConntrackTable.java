package io.pktsim.stack.conntrack;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.hash.Jhash;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.stack.netdev.NetDeviceListener;
import org.agrona.MutableDirectBuffer;

/**
 * The connection tracking table with source NAT (masquerade), TCP and UDP over IPv4 and IPv6, after
 * net/netfilter/nf_conntrack_core.c ({@code nf_conntrack_in}, {@code resolve_normal_ct},
 * {@code __nf_conntrack_alloc}, {@code early_drop}, {@code __nf_conntrack_confirm}), nf_conntrack_proto_tcp.c
 * ({@code nf_conntrack_tcp_packet}, {@code tcp_new}), nf_conntrack_proto_udp.c ({@code nf_conntrack_udp_packet}),
 * nf_nat_core.c ({@code get_unique_tuple}, {@code nf_nat_l4proto_unique_tuple}) and nf_nat_masquerade.c
 * ({@code nf_nat_masquerade_ipv4}/{@code _ipv6})
 * {@code masq_device_event}, {@code masq_inet_event}), Linux 6.18.
 *
 * <p>An entry holds its original and reply tuples; both are in one open-addressed hash (linear probing,
 * backward-shift deletion) so that a packet of either direction finds it. A reference to an entry in a
 * direction is {@code entry << 1 | dir}; it is stored in the packet's conntrack field. A slot of the hash is a
 * {@code long}: the tuple's hash in the high half beside the reference in the low half, so a probe reads the
 * entry's tuple only where the hash matches and backward-shift deletion finds a slot's home bucket without
 * reading the entry.
 *
 * <p>Plain arrays and not an Agrona primitive map (DESIGN.md, "Where the libraries serve"): a tuple does not fit
 * in one {@code long} key, so a {@code Long2LongHashMap} keyed by the jhash must still verify the tuple, and its
 * slots are 16 bytes (key, value) where these are 8 (hash, reference). {@code FlowTableLookupBench} (bench
 * module, CPU ns per IPv4 lookup, 7 in 8 hits, at 64 / 4096 / 65536 entries, one run on a shared 2-core
 * machine, 2026-12-05): this table 16.2 / 19.6 / 29.6, Agrona's {@code Long2LongHashMap} with the same jhash
 * 21.1 / 22.0 / 41.3; before the hash was stored in the slot this table took 26.2 / 31.9 / 43.4 against
 * Agrona's 16.6 / 19.1 / 35.0.
 *
 * <p>Per packet: {@link #in} finds or creates the entry, runs the TCP state table or the UDP rules and
 * refreshes the timeout; at POSTROUTING the caller applies {@link #masquerade} (new connections leaving a
 * dial), {@link NatMangle} (every packet of a NATed connection) and {@link #confirm}. A full table evicts one
 * non-assured entry near the new tuple's hash, as {@code early_drop} does, or drops the NEW packet
 * ({@link ConntrackCounter#TABLE_FULL_DROP}). Expired entries are removed when met by a lookup or by
 * {@link #gc}. As a {@link NetDeviceListener} the table deletes the masqueraded connections of a device that
 * goes down or loses its address ({@link ConntrackCounter#MASQ_CLEANUP}), which is what a redial does to them.
 * Allocation-free per packet.
 */
public final class ConntrackTable implements NetDeviceListener {

    /** Return value: the packet is not tracked (not TCP/UDP over IPv4 or IPv6, or a fragment). */
    public static final int UNTRACKED = -1;
    /** Return value: the table is full; the NEW packet must be dropped. */
    public static final int DROP_TABLE_FULL = -2;
    /** Return value: the packet is INVALID for its connection (ctstate INVALID). */
    public static final int INVALID = -3;
    /** Return value: the packet ended its connection (a RST before any reply); it is accepted untracked. */
    public static final int KILLED = -4;

    /** ctinfo {@code IP_CT_ESTABLISHED}. */
    public static final int IP_CT_ESTABLISHED = 0;
    /** ctinfo {@code IP_CT_NEW}. */
    public static final int IP_CT_NEW = 2;
    /** ctinfo {@code IP_CT_ESTABLISHED_REPLY}. */
    public static final int IP_CT_ESTABLISHED_REPLY = 3;

    /** {@code IPS_SEEN_REPLY}. */
    public static final int IPS_SEEN_REPLY = 1 << 1;
    /** {@code IPS_ASSURED}. */
    public static final int IPS_ASSURED = 1 << 2;
    /** {@code IPS_CONFIRMED}. */
    public static final int IPS_CONFIRMED = 1 << 3;
    /** {@code IPS_SRC_NAT}. */
    public static final int IPS_SRC_NAT = 1 << 4;
    /** {@code IPS_OFFLOAD}: the connection is in a flowtable. */
    public static final int IPS_OFFLOAD = 1 << 14;
    private static final int IN_USE = 1 << 30;

    /** IP protocol number of TCP. */
    public static final int PROTO_TCP = 6;
    /** IP protocol number of UDP. */
    public static final int PROTO_UDP = 17;

    private static final int NAT_MAX_ATTEMPTS = 128;
    private static final long UDP_STREAM_AFTER_NS = 2_000_000_000L;
    /** A free slot: its low half (the reference) is negative. */
    private static final long EMPTY = TaggedSlots.EMPTY;
    /** log2 of the look-up memo's slots. */
    private static final int MEMO_BITS = 12;

    private final ConntrackConfig config;
    private final RandomStream random;
    private final Counters<ConntrackCounter> counters = new Counters<>(ConntrackCounter.class);
    private final int max;
    /**
     * Per entry 16 words, 8 per direction (original, reply), source and destination interleaved word by word
     * ({@code src0 dst0 src1 dst1 ...}, most significant first) so that an IPv4 tuple's two addresses are
     * adjacent.
     */
    private final int[] addr;
    /** Per reference ({@code entry << 1 | dir}): source port in the high 16 bits, destination port low. */
    private final int[] portPairs;
    /** Per entry: IP protocol in the low byte, family (4 or 6) in the next. */
    private final short[] protoFamily;
    private final byte[] tcpState;
    private final int[] status;
    private final int[] masqIfindex;
    private final int[] generation;
    private final int[] hashOrig;
    private final int[] hashReply;
    private final long[] expiresNs;
    private final long[] udpStreamNs;
    private final int[] freeStack;
    private int freeCount;
    /**
     * The hash: per slot the tuple's hash in the high 32 bits and the reference in the low 32, {@link #EMPTY}
     * when free. A probe compares the tuple only where the hash matches.
     */
    private final long[] slots;
    private final int mask;
    private int count;
    private int gcCursor;
    private int lastCtInfo;
    /**
     * A direct-mapped memo in front of the hash for {@link #in}: per slot the reference a tuple's look-up found, in
     * the low half, beside the {@link #memoEpoch} it was found at, in the high half ({@link #EMPTY}: nothing). A slot
     * is used only if its epoch is current and the entry's tuple equals the packet's, and then it is exactly what
     * the probe would find: the epoch advances on every insert into and removal from {@link #slots}, the only
     * writes to the hash, and the tuple of an entry in the hash changes only with such a write (created,
     * re-hashed by NAT), so within an epoch the probe for a tuple finds the same reference every time, and a hit's
     * tuple is the one whose probe found it. It spares an established connection's packets the hashing and the
     * probe; the counters and the state see no difference.
     */
    private final long[] memo = new long[1 << MEMO_BITS];
    private int memoEpoch;
    private final Ipv4View ip = new Ipv4View();
    private final Ipv6View ip6 = new Ipv6View();
    private final int[] kSrc = new int[4];
    private final int[] kDst = new int[4];
    private int kPorts;
    private int kProto;
    private int kFamily;
    private TraceBus trace = TraceBus.disabled();
    private int traceComponent;
    private int kindDrop;
    private int kindEarlyDrop;
    private int kindMasqCleanup;
    private long traceNowNs;

    /**
     * @param config the knobs; {@code nfConntrackMax} sizes the table
     * @param random the stream NAT port choice draws from ({@code get_random_u16})
     */
    public ConntrackTable(final ConntrackConfig config, final RandomStream random) {
        this.config = config;
        this.random = random;
        this.max = config.nfConntrackMax;
        if (max <= 0 || max > (1 << 26)) {
            throw new IllegalArgumentException("ConntrackTable: nf_conntrack_max " + max + " is not in 1..2^26");
        }
        addr = new int[max * 16];
        portPairs = new int[2 * max];
        protoFamily = new short[max];
        tcpState = new byte[max];
        status = new int[max];
        masqIfindex = new int[max];
        generation = new int[max];
        hashOrig = new int[max];
        hashReply = new int[max];
        expiresNs = new long[max];
        udpStreamNs = new long[max];
        freeStack = new int[max];
        for (int i = 0; i < max; i++) {
            freeStack[i] = max - 1 - i;
        }
        freeCount = max;
        final int slotCount = Integer.highestOneBit(max * 4 - 1) << 1;
        slots = new long[slotCount];
        java.util.Arrays.fill(slots, EMPTY);
        java.util.Arrays.fill(memo, EMPTY);
        mask = slotCount - 1;
    }

    /**
     * Publishes this table's drops on a trace bus: {@code ct_table_full} (count, max), {@code ct_early_drop}
     * (evicted entry), {@code ct_masq_cleanup} (ifindex, connections deleted).
     *
     * @param bus the bus
     * @param component the component name, e.g. {@code "conntrack"}
     */
    public void trace(final TraceBus bus, final String component) {
        this.trace = bus;
        this.traceComponent = bus.names().component(component);
        this.kindDrop = bus.names().kind("ct_table_full", "count", "max");
        this.kindEarlyDrop = bus.names().kind("ct_early_drop", "entry");
        this.kindMasqCleanup = bus.names().kind("ct_masq_cleanup", "ifindex", "deleted");
    }

    /** @return the counters */
    public Counters<ConntrackCounter> counters() {
        return counters;
    }

    /** @return entries in use ({@code nf_conntrack_count}) */
    public int count() {
        return count;
    }

    /** @return {@code nf_conntrack_max} */
    public int max() {
        return max;
    }

    /** @return the ctinfo of the last packet {@link #in} tracked */
    public int lastCtInfo() {
        return lastCtInfo;
    }

    // ---------------------------------------------------------------- per packet

    /**
     * {@code nf_conntrack_in} for an IPv4 or IPv6 packet at PREROUTING (or OUTPUT): finds or creates its connection,
     * advances the protocol state and refreshes the timeout. Sets the packet's conntrack field.
     *
     * @param store the packets
     * @param handle the packet, network offset set
     * @param nowNs simulated time
     * @return a reference {@code entry << 1 | dir}, or {@link #UNTRACKED}, {@link #DROP_TABLE_FULL},
     *     {@link #INVALID} or {@link #KILLED}
     */
    public int in(final PacketStore store, final int handle, final long nowNs) {
        final int net = store.networkOffset(handle);
        if (net < 0) {
            return untracked(store, handle);
        }
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(handle);
        final int version = (b.getByte(f + net) & 0xF0) >>> 4;
        final int p;
        final int l4;
        if (version == 4) {
            ip.wrap(b, f + net);
            p = ip.protocol();
            if ((p != PROTO_TCP && p != PROTO_UDP) || ip.isFragment()) {
                return untracked(store, handle);
            }
            l4 = f + net + ip.headerLength();
            kFamily = 4;
            kSrc[0] = ip.src();
            kDst[0] = ip.dst();
            kSrc[1] = 0;
            kSrc[2] = 0;
            kSrc[3] = 0;
            kDst[1] = 0;
            kDst[2] = 0;
            kDst[3] = 0;
        } else if (version == 6) {
            ip6.wrap(b, f + net);
            if (!ip6.walkExtensionHeaders(store.storedLength(handle) - net) || ip6.isFragment()) {
                return untracked(store, handle);
            }
            p = ip6.upperLayerProtocol();
            if (p != PROTO_TCP && p != PROTO_UDP) {
                return untracked(store, handle);
            }
            l4 = f + net + ip6.upperLayerOffset();
            kFamily = 6;
            // the addresses through the view (its 40 bytes were range-checked once, on wrap)
            keyAddresses6(ip6.srcHi(), ip6.srcLo(), ip6.dstHi(), ip6.dstLo());
        } else {
            return untracked(store, handle);
        }
        // the ports (and TCP's flags byte) in one range check
        final byte[] a = b.byteArray();
        final long l4At = FrameBytes.address(b, l4, p == PROTO_TCP ? 14 : 4);
        final int ports = FrameBytes.getInt(a, l4At);
        final int tcpFlags = p == PROTO_TCP ? FrameBytes.getByte(a, l4At + 13) & 0xFF : 0;
        kPorts = ports;
        kProto = p;
        // the memo first (the entry the same tuple found last, if the hash has not changed since), then the hash:
        // an IPv4 key from registers (find: the same hash and compare as findKey on the key arrays)
        int ref;
        if (version == 4) {
            final int src = kSrc[0];
            final int dst = kDst[0];
            final int m = memoIndex(src, dst, ports, p);
            final long v = memo[m];
            ref = (int) v;
            if ((int) (v >>> 32) != memoEpoch || !matches4(ref, src, dst, ports, p)) {
                ref = find(src, dst, ports, p);
                if (ref >= 0) {
                    memo[m] = (long) memoEpoch << 32 | ref;
                }
            }
        } else {
            final int m = memoIndex(kSrc[3] ^ kSrc[1], kDst[3] ^ kDst[1], ports, p);
            final long v = memo[m];
            ref = (int) v;
            if ((int) (v >>> 32) != memoEpoch || !matchesKey(ref)) {
                ref = findKey();
                if (ref >= 0) {
                    memo[m] = (long) memoEpoch << 32 | ref;
                }
            }
        }
        if (ref >= 0 && expired(ref >> 1, nowNs)) {
            delete(ref >> 1, ConntrackCounter.TIMED_OUT);
            ref = -1;
        }
        boolean created = false;
        if (ref < 0) {
            if (p == PROTO_TCP) {
                final int ns = TcpConntrackState.next(0, TcpConntrackState.flagClass(tcpFlags),
                    TcpConntrackState.NONE);
                if (ns == TcpConntrackState.INVALID
                    || (ns == TcpConntrackState.ESTABLISHED && !config.tcpLoose)) {
                    counters.increment(ConntrackCounter.INVALID);
                    store.conntrack(handle, -1);
                    return INVALID;
                }
            }
            final int e = create(nowNs);
            if (e < 0) {
                store.conntrack(handle, -1);
                return DROP_TABLE_FULL;
            }
            ref = e << 1;
            created = true;
        } else {
            counters.increment(ConntrackCounter.FOUND);
        }
        final int e = ref >> 1;
        final int dir = ref & 1;
        lastCtInfo = dir == 1 ? IP_CT_ESTABLISHED_REPLY
            : (status[e] & IPS_SEEN_REPLY) != 0 ? IP_CT_ESTABLISHED : IP_CT_NEW;
        final int r = p == PROTO_TCP ? tcpPacket(e, dir, tcpFlags, nowNs, created) : udpPacket(e, nowNs);
        if (r < 0) {
            store.conntrack(handle, -1);
            return r;
        }
        if (dir == 1) {
            status[e] |= IPS_SEEN_REPLY;
        }
        store.conntrack(handle, ref);
        return ref;
    }

    private int untracked(final PacketStore store, final int handle) {
        counters.increment(ConntrackCounter.UNTRACKED);
        store.conntrack(handle, -1);
        return UNTRACKED;
    }

    private int tcpPacket(final int e, final int dir, final int flags, final long nowNs, final boolean created) {
        final int old = tcpState[e];
        final int fc = TcpConntrackState.flagClass(flags);
        final int ns = TcpConntrackState.next(dir, fc, old);
        if (ns == TcpConntrackState.INVALID) {
            counters.increment(ConntrackCounter.INVALID);
            if (created) {
                delete(e, ConntrackCounter.DELETED);
            }
            return INVALID;
        }
        if (ns == TcpConntrackState.IGNORE) {
            return 0;
        }
        if (ns == TcpConntrackState.SYN_SENT && old >= TcpConntrackState.TIME_WAIT) {
            status[e] &= ~(IPS_SEEN_REPLY | IPS_ASSURED);
        }
        tcpState[e] = (byte) ns;
        final long timeout = fc == TcpConntrackState.RST_SET ? config.tcpTimeoutCloseNs : tcpTimeout(ns);
        if ((status[e] & IPS_SEEN_REPLY) == 0) {
            if (fc == TcpConntrackState.RST_SET) {
                delete(e, ConntrackCounter.DELETED);
                return KILLED;
            }
        } else if ((status[e] & IPS_ASSURED) == 0
            && (old == TcpConntrackState.SYN_RECV || old == TcpConntrackState.ESTABLISHED)
            && ns == TcpConntrackState.ESTABLISHED) {
            status[e] |= IPS_ASSURED;
        }
        expiresNs[e] = nowNs + timeout;
        return 0;
    }

    private int udpPacket(final int e, final long nowNs) {
        if ((status[e] & IPS_SEEN_REPLY) != 0) {
            long extra = config.udpTimeoutNs;
            if (nowNs > udpStreamNs[e]) {
                extra = config.udpTimeoutStreamNs;
                status[e] |= IPS_ASSURED;
            }
            expiresNs[e] = nowNs + extra;
        } else {
            expiresNs[e] = nowNs + config.udpTimeoutNs;
        }
        return 0;
    }

    /**
     * The timeout of a TCP state ({@code tcp_timeouts[]}).
     *
     * @param state a {@link TcpConntrackState} state
     * @return nanoseconds
     */
    public long tcpTimeout(final int state) {
        switch (state) {
            case TcpConntrackState.SYN_SENT:
            case TcpConntrackState.SYN_SENT2:
                return config.tcpTimeoutSynSentNs;
            case TcpConntrackState.SYN_RECV:
                return config.tcpTimeoutSynRecvNs;
            case TcpConntrackState.ESTABLISHED:
                return config.tcpTimeoutEstablishedNs;
            case TcpConntrackState.FIN_WAIT:
                return config.tcpTimeoutFinWaitNs;
            case TcpConntrackState.CLOSE_WAIT:
                return config.tcpTimeoutCloseWaitNs;
            case TcpConntrackState.LAST_ACK:
                return config.tcpTimeoutLastAckNs;
            case TcpConntrackState.TIME_WAIT:
                return config.tcpTimeoutTimeWaitNs;
            default:
                return config.tcpTimeoutCloseNs;
        }
    }

    /**
     * {@code __nf_conntrack_confirm}: the packet that created the connection passed POSTROUTING.
     *
     * @param ref a reference from {@link #in}
     */
    public void confirm(final int ref) {
        status[ref >> 1] |= IPS_CONFIRMED;
    }

    /**
     * The packet that created a connection was dropped before confirmation: the entry is destroyed
     * ({@link ConntrackCounter#DELETED}). A no-op for a confirmed entry.
     *
     * @param ref a reference from {@link #in}
     */
    public void abort(final int ref) {
        final int e = ref >> 1;
        if ((status[e] & (IN_USE | IPS_CONFIRMED)) == IN_USE) {
            delete(e, ConntrackCounter.DELETED);
        }
    }

    private int create(final long nowNs) {
        final int h = keyHash();
        if (count >= max && !earlyDrop(h, nowNs)) {
            counters.increment(ConntrackCounter.TABLE_FULL_DROP);
            if (trace.enabled()) {
                trace.publish(nowNs, traceComponent, kindDrop, TraceEvent.NO_PACKET, count, max);
            }
            return -1;
        }
        final int e = freeStack[--freeCount];
        final int base = e * 16;
        for (int i = 0; i < 4; i++) {
            addr[base + 2 * i] = kSrc[i];
            addr[base + 2 * i + 1] = kDst[i];
            addr[base + 8 + 2 * i] = kDst[i];
            addr[base + 8 + 2 * i + 1] = kSrc[i];
        }
        portPairs[e << 1] = kPorts;
        portPairs[(e << 1) | 1] = (kPorts >>> 16) | (kPorts << 16);
        protoFamily[e] = (short) (kProto | kFamily << 8);
        tcpState[e] = TcpConntrackState.NONE;
        status[e] = IN_USE;
        masqIfindex[e] = -1;
        udpStreamNs[e] = nowNs + UDP_STREAM_AFTER_NS;
        expiresNs[e] = Long.MAX_VALUE;
        hashOrig[e] = h;
        hashReply[e] = storedHash(e, 1);
        insert(e << 1, h);
        insert((e << 1) | 1, hashReply[e]);
        count++;
        counters.increment(ConntrackCounter.NEW);
        return e;
    }

    private boolean earlyDrop(final int hash, final long nowNs) {
        int i = hash & mask;
        int visited = 0;
        for (int scanned = 0; scanned <= mask && visited < config.evictionRange; scanned++) {
            final int ref = (int) slots[i];
            if (ref >= 0) {
                visited++;
                final int e = ref >> 1;
                if (expired(e, nowNs)) {
                    delete(e, ConntrackCounter.TIMED_OUT);
                    return true;
                }
                final int s = status[e];
                if ((s & (IPS_ASSURED | IPS_OFFLOAD)) == 0 && (s & IPS_CONFIRMED) != 0) {
                    delete(e, ConntrackCounter.EARLY_DROP);
                    if (trace.enabled()) {
                        trace.publish(nowNs, traceComponent, kindEarlyDrop, TraceEvent.NO_PACKET, e);
                    }
                    return true;
                }
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private boolean expired(final int e, final long nowNs) {
        return (status[e] & IPS_OFFLOAD) == 0 && nowNs >= expiresNs[e];
    }

    // ---------------------------------------------------------------- NAT

    /**
     * Source NAT to a dial's address ({@code nf_nat_masquerade_ipv4} → {@code nf_nat_setup_info} →
     * {@code get_unique_tuple}): keeps the original source port if the resulting reply tuple is free,
     * otherwise picks one as {@code nf_nat_l4proto_unique_tuple} does (ports below 512 map into 1..511, below
     * 1024 into 600..1023, others into 1024..65535; a random offset, at most 128 attempts, then rounds of half
     * as many from a new random offset while at least 16). Called once, on the connection's first packet.
     *
     * @param ref an original-direction reference of an unconfirmed entry
     * @param natAddress the dial's IPv4 address
     * @param outIfindex the dial's interface index (remembered for the device-down cleanup)
     * @return 0 if the original port was kept, 1 if another port was picked
     *     ({@link ConntrackCounter#NAT_PORT_REMAPPED}), -1 if none was free: the entry is destroyed and the
     *     packet must be dropped ({@link ConntrackCounter#NAT_CLASH_DROP})
     */
    public int masquerade(final int ref, final int natAddress, final int outIfindex) {
        return masq(ref >> 1, natAddress, 0, 0, 0, outIfindex);
    }

    /**
     * IPv6 source NAT to a dial's address ({@code nf_nat_masquerade_ipv6}, OpenWrt's NAT6), with the same
     * port choice as {@link #masquerade}.
     *
     * @param ref an original-direction reference of an unconfirmed IPv6 entry
     * @param natHi the dial's IPv6 address, high 64 bits
     * @param natLo the dial's IPv6 address, low 64 bits
     * @param outIfindex the dial's interface index
     * @return as {@link #masquerade}
     */
    public int masquerade6(final int ref, final long natHi, final long natLo, final int outIfindex) {
        return masq(ref >> 1, (int) (natHi >>> 32), (int) natHi, (int) (natLo >>> 32), (int) natLo, outIfindex);
    }

    private int masq(final int e, final int n0, final int n1, final int n2, final int n3, final int outIfindex) {
        if ((status[e] & IPS_SRC_NAT) != 0) {
            return 0;
        }
        final int remotePort = portPairs[e << 1] & 0xFFFF;
        final int sport = portPairs[e << 1] >>> 16;
        final int base = e * 16;
        for (int i = 0; i < 4; i++) {
            kSrc[i] = addr[base + 2 * i + 1];
        }
        kDst[0] = n0;
        kDst[1] = n1;
        kDst[2] = n2;
        kDst[3] = n3;
        kProto = protocol(e);
        kFamily = family(e);
        if (!taken((remotePort << 16) | sport, e)) {
            applySnat(e, sport, outIfindex);
            return 0;
        }
        final int min;
        final int rangeSize;
        if (sport < 1024) {
            if (sport < 512) {
                min = 1;
                rangeSize = 511;
            } else {
                min = 600;
                rangeSize = 1023 - 600 + 1;
            }
        } else {
            min = 1024;
            rangeSize = 65535 - 1024 + 1;
        }
        int off = random.nextInt(65536);
        int attempts = Math.min(rangeSize, NAT_MAX_ATTEMPTS);
        while (true) {
            for (int i = 0; i < attempts; i++, off++) {
                final int port = min + (int) ((off & 0xFFFFFFFFL) % rangeSize);
                if (!taken((remotePort << 16) | port, e)) {
                    applySnat(e, port, outIfindex);
                    counters.increment(ConntrackCounter.NAT_PORT_REMAPPED);
                    return 1;
                }
            }
            if (attempts >= rangeSize || attempts < 16) {
                break;
            }
            attempts /= 2;
            off = random.nextInt(65536);
        }
        counters.increment(ConntrackCounter.NAT_CLASH_DROP);
        delete(e, null);
        return -1;
    }

    /** Whether the scratch key with these ports names another connection ({@code nf_nat_used_tuple}). */
    private boolean taken(final int ports, final int ignore) {
        kPorts = ports;
        final int ref = findKey();
        return ref >= 0 && (ref >> 1) != ignore;
    }

    /** Sets the reply destination to the scratch destination and the port, and rehashes the reply tuple. */
    private void applySnat(final int e, final int port, final int outIfindex) {
        remove((e << 1) | 1, hashReply[e]);
        final int base = e * 16 + 8;
        for (int i = 0; i < 4; i++) {
            addr[base + 2 * i + 1] = kDst[i];
        }
        final int r = (e << 1) | 1;
        portPairs[r] = (portPairs[r] & 0xFFFF0000) | port;
        hashReply[e] = storedHash(e, 1);
        insert((e << 1) | 1, hashReply[e]);
        status[e] |= IPS_SRC_NAT;
        masqIfindex[e] = outIfindex;
    }

    // ---------------------------------------------------------------- device events and gc

    @Override
    public void onDeviceEvent(final int ifindex, final int event, final int arg, final long nowNs) {
        traceNowNs = nowNs;
        if (event == NETDEV_DOWN) {
            cleanupMasquerade(ifindex, 0, false);
        } else if (event == INET_ADDR_DEL) {
            cleanupMasquerade(ifindex, arg, true);
        }
    }

    /**
     * {@code nf_nat_masq_schedule} → {@code nf_ct_iterate_cleanup_net} with {@code device_cmp} /
     * {@code inet_cmp}: deletes every connection masqueraded through the device (and, for an address removal,
     * to that address). Control path.
     *
     * @param ifindex the device
     * @param address the removed address (with byAddress)
     * @param byAddress whether only connections NATed to that address go
     * @return the connections deleted ({@link ConntrackCounter#MASQ_CLEANUP})
     */
    public int cleanupMasquerade(final int ifindex, final int address, final boolean byAddress) {
        int n = 0;
        for (int e = 0; e < max; e++) {
            if ((status[e] & (IN_USE | IPS_SRC_NAT)) == (IN_USE | IPS_SRC_NAT) && masqIfindex[e] == ifindex
                && (!byAddress || (family(e) == 4 && addr[e * 16 + 9] == address))) {
                delete(e, ConntrackCounter.MASQ_CLEANUP);
                n++;
            }
        }
        if (trace.enabled() && n > 0) {
            trace.publish(traceNowNs, traceComponent, kindMasqCleanup, TraceEvent.NO_PACKET, ifindex, n);
        }
        return n;
    }

    /**
     * The garbage collector ({@code gc_worker}): looks at up to {@code budget} entries from where the last
     * call stopped and removes the expired ones. Entries in a flowtable do not expire.
     *
     * @param nowNs simulated time
     * @param budget entries to look at
     * @return entries removed ({@link ConntrackCounter#TIMED_OUT})
     */
    public int gc(final long nowNs, final int budget) {
        int removed = 0;
        for (int i = 0; i < budget; i++) {
            final int e = gcCursor;
            gcCursor = gcCursor + 1 == max ? 0 : gcCursor + 1;
            if ((status[e] & IN_USE) != 0 && expired(e, nowNs)) {
                delete(e, ConntrackCounter.TIMED_OUT);
                removed++;
            }
        }
        return removed;
    }

    private void delete(final int e, final ConntrackCounter why) {
        remove(e << 1, hashOrig[e]);
        remove((e << 1) | 1, hashReply[e]);
        status[e] = 0;
        generation[e]++;
        freeStack[freeCount++] = e;
        count--;
        if (why != null) {
            counters.increment(why);
        }
    }

    // ---------------------------------------------------------------- lookup memo

    /**
     * The memo's slot of a tuple: a multiplicative hash of the addresses (IPv6: two of their words each), the
     * ports and the protocol. Any function would do: a slot is only a place to look, a hit is verified.
     */
    private static int memoIndex(final int src, final int dst, final int ports, final int p) {
        return ((src ^ Integer.rotateLeft(dst, 16) ^ ports ^ p) * 0x9E3779B9) >>> (32 - MEMO_BITS);
    }

    /**
     * The hash changed (an insert or a remove): every memo slot's epoch is now stale. When the epoch would reach
     * the memo's empty value, the memo is cleared and the count restarts, so a slot never validates by wrap-around.
     */
    private void memoInvalidate() {
        if (++memoEpoch == Integer.MAX_VALUE) {
            java.util.Arrays.fill(memo, EMPTY);
            memoEpoch = 0;
        }
    }

    // ---------------------------------------------------------------- hash

    private static int fold(final int w0, final int w1, final int w2, final int w3) {
        return w0 ^ Integer.rotateLeft(w1, 8) ^ Integer.rotateLeft(w2, 16) ^ Integer.rotateLeft(w3, 24);
    }

    private int hashOf(final int fam, final int s0, final int s1, final int s2, final int s3, final int d0,
        final int d1, final int d2, final int d3, final int ports, final int p) {
        if (fam == 4) {
            return Jhash.jhash3Words(s0, d0, ports, config.hashSeed ^ p);
        }
        return Jhash.jhash3Words(fold(s0, s1, s2, s3), fold(d0, d1, d2, d3), ports, config.hashSeed ^ p ^ 0x60000);
    }

    private int keyHash() {
        return hashOf(kFamily, kSrc[0], kSrc[1], kSrc[2], kSrc[3], kDst[0], kDst[1], kDst[2], kDst[3], kPorts,
            kProto);
    }

    private int storedHash(final int e, final int dir) {
        final int b = e * 16 + dir * 8;
        final int[] a = addr;
        return hashOf(family(e), a[b], a[b + 2], a[b + 4], a[b + 6], a[b + 1], a[b + 3], a[b + 5], a[b + 7],
            portPairs[(e << 1) | dir], protocol(e));
    }

    private boolean matchesKey(final int ref) {
        final int e = ref >> 1;
        final int dir = ref & 1;
        if (protoFamily[e] != (kProto | kFamily << 8) || portPairs[ref] != kPorts) {
            return false;
        }
        final int b = e * 16 + dir * 8;
        final int[] a = addr;
        return a[b] == kSrc[0] && a[b + 1] == kDst[0] && a[b + 2] == kSrc[1] && a[b + 3] == kDst[1]
            && a[b + 4] == kSrc[2] && a[b + 5] == kDst[2] && a[b + 6] == kSrc[3] && a[b + 7] == kDst[3];
    }

    private int findKey() {
        final int h = keyHash();
        final long[] s = slots;
        int i = h & mask;
        while (true) {
            final long v = s[i];
            final int ref = (int) v;
            if (ref < 0) {
                return -1;
            }
            if ((int) (v >>> 32) == h && matchesKey(ref)) {
                return ref;
            }
            i = (i + 1) & mask;
        }
    }

    /** {@link #matchesKey} for an IPv4 key given in registers (the words 1..3 of an IPv4 entry are 0). */
    private boolean matches4(final int ref, final int src, final int dst, final int ports, final int p) {
        final int b = ref << 3; // entry * 16 + dir * 8
        final int[] a = addr;
        return a[b] == src && a[b + 1] == dst && portPairs[ref] == ports && protoFamily[ref >> 1] == (p | 4 << 8);
    }

    /**
     * Looks an IPv4 tuple up in either direction ({@code __nf_conntrack_find_get}); expired entries are
     * returned too.
     *
     * @param src source address
     * @param dst destination address
     * @param ports source port in the high 16 bits, destination port in the low 16
     * @param p IP protocol
     * @return the reference, or -1
     */
    public int find(final int src, final int dst, final int ports, final int p) {
        final int h = Jhash.jhash3Words(src, dst, ports, config.hashSeed ^ p);
        final long[] s = slots;
        int i = h & mask;
        while (true) {
            final long v = s[i];
            final int ref = (int) v;
            if (ref < 0) {
                return -1;
            }
            if ((int) (v >>> 32) == h && matches4(ref, src, dst, ports, p)) {
                return ref;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Looks an IPv6 tuple up in either direction.
     *
     * @param srcHi source address, high 64 bits
     * @param srcLo source address, low 64 bits
     * @param dstHi destination address, high 64 bits
     * @param dstLo destination address, low 64 bits
     * @param ports source port in the high 16 bits, destination port in the low 16
     * @param p IP protocol
     * @return the reference, or -1
     */
    public int find6(final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int ports,
        final int p) {
        kFamily = 6;
        keyAddresses6(srcHi, srcLo, dstHi, dstLo);
        kPorts = ports;
        kProto = p;
        return findKey();
    }

    /** The lookup key's IPv6 addresses as four big-endian ints each. */
    private void keyAddresses6(final long srcHi, final long srcLo, final long dstHi, final long dstLo) {
        kSrc[0] = (int) (srcHi >>> 32);
        kSrc[1] = (int) srcHi;
        kSrc[2] = (int) (srcLo >>> 32);
        kSrc[3] = (int) srcLo;
        kDst[0] = (int) (dstHi >>> 32);
        kDst[1] = (int) dstHi;
        kDst[2] = (int) (dstLo >>> 32);
        kDst[3] = (int) dstLo;
    }

    private void insert(final int ref, final int hash) {
        TaggedSlots.insert(slots, mask, hash, ref);
        memoInvalidate();
    }

    private void remove(final int ref, final int hash) {
        memoInvalidate();
        if (!TaggedSlots.remove(slots, mask, hash, ref)) {
            throw new IllegalStateException("ConntrackTable: reference " + ref + " is not in the hash ("
                + count + " of " + max + " entries)");
        }
    }

    // ---------------------------------------------------------------- accessors

    /**
     * @param entry an entry
     * @return whether it is in use
     */
    public boolean inUse(final int entry) {
        return (status[entry] & IN_USE) != 0;
    }

    /**
     * @param entry an entry
     * @return its generation, bumped when it is freed (for holders of a reference to check it is still theirs)
     */
    public int generation(final int entry) {
        return generation[entry];
    }

    /**
     * @param entry an entry
     * @return its {@code IPS_*} status bits
     */
    public int status(final int entry) {
        return status[entry] & ~IN_USE;
    }

    /**
     * A flowtable took the connection ({@code test_and_set_bit(IPS_OFFLOAD_BIT)} in
     * {@code nft_flow_offload_eval}): it no longer times out here.
     *
     * @param entry an entry
     * @return false if it was already offloaded
     */
    public boolean offload(final int entry) {
        if ((status[entry] & IPS_OFFLOAD) != 0) {
            return false;
        }
        status[entry] |= IPS_OFFLOAD;
        return true;
    }

    /**
     * A flowtable released the connection ({@code flow_offload_teardown} → {@code flow_offload_fixup_ct},
     * net/netfilter/nf_flow_table_core.c, Linux 6.18): a TCP connection whose flow saw a FIN or RST
     * ({@code NF_FLOW_CLOSING}) enters CLOSE with the close timeout; otherwise the timeout restarts from the
     * current state's (UDP: replied or unreplied), less the flowtable timeout if the flow expired by idleness.
     *
     * @param entry an entry
     * @param closing whether the flow saw a FIN or RST
     * @param idleExpired whether the flow was torn down because its flowtable timeout expired
     * @param offloadTimeoutNs the flowtable timeout ({@code nf_flowtable_tcp_timeout}/{@code _udp_timeout})
     * @param nowNs simulated time
     */
    public void flowTeardown(final int entry, final boolean closing, final boolean idleExpired,
        final long offloadTimeoutNs, final long nowNs) {
        if ((status[entry] & IN_USE) == 0) {
            return;
        }
        status[entry] &= ~IPS_OFFLOAD;
        long timeout;
        boolean expiredIdle = idleExpired;
        if (protocol(entry) == PROTO_TCP && closing) {
            tcpState[entry] = TcpConntrackState.CLOSE;
            timeout = config.tcpTimeoutCloseNs;
            expiredIdle = false;
        } else if (protocol(entry) == PROTO_TCP) {
            timeout = tcpTimeout(tcpState[entry]);
        } else {
            timeout = (status[entry] & IPS_SEEN_REPLY) != 0 ? config.udpTimeoutStreamNs : config.udpTimeoutNs;
        }
        if (expiredIdle) {
            timeout -= offloadTimeoutNs;
        }
        expiresNs[entry] = nowNs + Math.max(0, timeout);
    }

    /**
     * @param entry an entry
     * @return its TCP state ({@link TcpConntrackState})
     */
    public int tcpState(final int entry) {
        return tcpState[entry];
    }

    /**
     * @param entry an entry
     * @return its IP protocol
     */
    public int protocol(final int entry) {
        return protoFamily[entry] & 0xFF;
    }

    /**
     * @param entry an entry
     * @return when it expires (ns), {@code Long.MAX_VALUE} before its first packet is processed
     */
    public long expiresNs(final int entry) {
        return expiresNs[entry];
    }

    /**
     * @param entry an entry
     * @return 4 (IPv4) or 6 (IPv6)
     */
    public int family(final int entry) {
        return protoFamily[entry] >> 8;
    }

    /**
     * @param entry an entry
     * @param dir 0 original, 1 reply
     * @return the tuple's IPv4 source address (the first word of an IPv6 one)
     */
    public int tupleSrc(final int entry, final int dir) {
        return addr[entry * 16 + dir * 8];
    }

    /**
     * @param entry an entry
     * @param dir 0 original, 1 reply
     * @return the tuple's IPv4 destination address (the first word of an IPv6 one)
     */
    public int tupleDst(final int entry, final int dir) {
        return addr[entry * 16 + dir * 8 + 1];
    }

    /**
     * One 32-bit word of a tuple's address (IPv4: word 0 is the address, 1..3 are 0).
     *
     * @param entry an entry
     * @param dir 0 original, 1 reply
     * @param source true for the source address, false for the destination
     * @param word 0..3, most significant first
     * @return the word
     */
    public int tupleAddressWord(final int entry, final int dir, final boolean source, final int word) {
        return addr[entry * 16 + dir * 8 + 2 * word + (source ? 0 : 1)];
    }

    /**
     * @param entry an entry
     * @param dir 0 original, 1 reply
     * @return the tuple's ports: source in the high 16 bits, destination in the low 16
     */
    public int tuplePorts(final int entry, final int dir) {
        return portPairs[(entry << 1) | dir];
    }

    /**
     * @param entry an entry
     * @return the device it is masqueraded through, -1 if none
     */
    public int masqIfindex(final int entry) {
        return masqIfindex[entry];
    }
}
