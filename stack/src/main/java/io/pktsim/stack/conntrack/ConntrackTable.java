package io.pktsim.stack.conntrack;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.hash.Jhash;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.packet.PacketLayout;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.stack.netdev.NetDeviceListener;
import io.pktsim.stack.qdisc.FqCodel;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

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
 * backward-shift deletion) so that a packet of either direction finds it. An entry's fields lie in one
 * record of 12 longs (layout at {@code REC_LONGS}), so that a packet of an established connection reads its
 * tuple, ports, protocol, status and timeouts from two cache lines, not from a line in each of six arrays.
 * A reference to an entry in a direction is {@code entry << 1 | dir}; it is stored in the packet's conntrack
 * field. A slot of the hash is a
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
    private static final int MEMO_MASK = (1 << MEMO_BITS) - 1;
    /**
     * Bytes from an IP header's start that {@link #in}'s in-place path may read: the longest IPv4 header (60 bytes,
     * longer than IPv6's 40), then the ports and TCP's flags.
     */
    private static final int FAST_HEADER_BYTES = 60 + 14;

    // ---------------------------------------------------------------- the entry record
    //
    // Per entry REC_LONGS longs. The three addresses of the two tuples: the original is A -> B, the reply
    // B -> C (source NAT changes only C and its port; with none, C is A), so a tuple of direction dir is the
    // addresses dir (source) and dir + 1 (destination). An address is two longs, most significant first (the
    // IPv6 address's 128 bits in network order; IPv4: the address in the high 32 bits of the first, the rest 0).
    //
    //   0..5  A hi, A lo, B hi, B lo, C hi, C lo
    //   6     KEY: protocol << 48 | family << 56 | port A << 32 | port B << 16 | port C, so the ports of direction
    //         dir (source high, destination low) are the 32 bits from bit 16 - 16 * dir
    //   7     STATUS: the IPS_* bits and IN_USE in the low 32 bits, the TCP state in bits 32..39
    //   8     expiresNs
    //   9     udpStreamNs: after it a replied UDP connection is a stream
    //   10    GEN_MASQ: the generation (bumped when the entry is freed) in the low 32 bits, masqIfindex high
    //   11    HASHES: the original tuple's hash in the high 32 bits, the reply tuple's low
    private static final int REC_LONGS = 12;
    private static final int R_KEY = 6;
    private static final int R_STATUS = 7;
    private static final int R_EXPIRES = 8;
    private static final int R_UDP_STREAM = 9;
    private static final int R_GEN_MASQ = 10;
    private static final int R_HASHES = 11;
    private static final long LOW32 = 0xFFFFFFFFL;

    private final ConntrackConfig config;
    private final RandomStream random;
    private final Counters<ConntrackCounter> counters = new Counters<>(ConntrackCounter.class);
    /**
     * {@link ConntrackCounter#FOUND}, the one counter every tracked packet moves, as a field ({@link #counters()}
     * copies it into the counters): no load of the counters' array per packet.
     */
    private long found;
    private final int max;
    /** The entries' records, {@code REC_LONGS} longs each. */
    private final long[] rec;
    /**
     * Per reference ({@code entry << 1 | dir}): fq_codel's flow hash of a packet of that direction after NAT (whose
     * tuple is the other direction's, reversed), kept at creation and when the source NAT is set.
     */
    private final int[] qdiscHashes;
    /** Whether the last {@link #in} read the packet's words in place (IPv4 not a fragment, IPv6 without options). */
    private boolean lastInPlace;
    /**
     * Per reference ({@code entry << 1 | dir}) of a source-NATed connection: the RFC 1624 sum of the rewrite
     * {@link NatMangle} makes to a packet of that direction, folded ({@link #natCsumDelta}), kept when the source NAT
     * is set ({@link #keepNatCsumDelta}).
     */
    private final int[] natCsumDeltas;
    /**
     * The packet the last successful {@link #in} returned a reference for, as {@code handle << 32 | ref}, when it was
     * IPv6 TCP or UDP read in place with its transport offset right after the fixed header; else -1. With
     * {@link #nat6At} and {@link #nat6Proto}: {@link NatMangle}'s tracked fast path ({@link #nat6HeaderAt}).
     */
    private long nat6Key = -1L;
    /** The IPv6 header's address (for {@link FrameBytes} with the store's array) of the packet of {@link #nat6Key}. */
    private long nat6At;
    /** The transport protocol of the packet of {@link #nat6Key}. */
    private int nat6Proto;
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
     * A two-way memo (slot pairs {@code m}, {@code m ^ 1}; {@link #memoMiss}) in front of the hash for {@link #in}: per
     * slot the reference a tuple's look-up found, in the low half, beside the {@link #memoEpoch} it was found at, in
     * the high half ({@link #EMPTY}: nothing). A slot is used only if its epoch is current and the entry's tuple equals
     * the packet's, and then it is exactly what the probe would find: the epoch advances on every insert into and
     * removal from {@link #slots}, the only writes to the hash, and the tuple of an entry in the hash changes only with
     * such a write (created, re-hashed by NAT), so within an epoch the probe for a tuple finds the same reference every
     * time, and a hit's tuple is the one whose probe found it. It spares an established connection's packets the
     * hashing and the probe; the counters and the state see no difference.
     */
    private final long[] memo = new long[1 << MEMO_BITS];
    private int memoEpoch;
    /** Look-ups of {@link #in} that neither memo slot of their pair answered (they hashed and probed). */
    private long memoMisses;
    private final Ipv4View ip = new Ipv4View();
    private final Ipv6View ip6 = new Ipv6View();
    // the key of a slow-path look-up or creation: addresses as in a record, ports, protocol, family
    private long kSrcHi;
    private long kSrcLo;
    private long kDstHi;
    private long kDstLo;
    private int kPorts;
    private int kProto;
    private int kFamily;
    /** The TCP flags byte of the packet {@link #parseChecked} read (0 for UDP). */
    private int kTcpFlags;
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
        rec = new long[max * REC_LONGS];
        qdiscHashes = new int[2 * max];
        natCsumDeltas = new int[2 * max];
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
        counters.set(ConntrackCounter.FOUND, found);
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
        return in(store, handle, nowNs, -1);
    }

    /**
     * {@link #in(PacketStore, int, long)} with the memo slot chosen by the caller: a caller that knows a small dense
     * number for the packet's tuple (a simulated router: its flow and direction, {@code 2 * flow + dir}) passes it, and
     * the look-up reads that slot ({@code memoSlot} modulo the memo's size) instead of hashing the tuple to one. Which
     * slot a tuple's reference is kept in decides only whether a later look-up finds it there, never what it finds (a
     * slot is used only when its epoch is current and the entry's tuple is the packet's), so the result, the counters
     * and the state are those of the other form; the memo's few slots a router uses stay in cache, where the hashed
     * slots of a few hundred tuples lie on as many cache lines of a 32 KB array.
     *
     * @param store the packets
     * @param handle the packet, network offset set
     * @param nowNs simulated time
     * @param memoSlot the memo slot to look in first, at least 0; or -1 to hash the tuple to one
     * @return as {@link #in(PacketStore, int, long)}
     */
    public int in(final PacketStore store, final int handle, final long nowNs, final int memoSlot) {
        final MutableDirectBuffer b = store.buffer();
        final byte[] a = b.byteArray();
        final int slot = store.slotOffset(handle);
        final long meta = b.addressOffset() + slot;
        final int net = UnsafeApi.getShort(a, meta + PacketLayout.NETWORK_OFFSET_OFFSET);
        final int dataOff = UnsafeApi.getShort(a, meta + PacketLayout.DATA_OFFSET_OFFSET);
        final long ipAt = meta + PacketLayout.META_LENGTH + dataOff + net;
        int p;
        final int fam;
        final long sHi;
        final long sLo;
        final long dHi;
        final long dLo;
        final int ports;
        final int tcpFlags;
        // the version nibble when the header (IPv4's longest), the ports and TCP's flags all lie in the slot, else 0
        final int first = net >= 0 && dataOff >= 0 && dataOff + net + FAST_HEADER_BYTES <= store.dataCapacity()
            ? FrameBytes.getByte(a, ipAt) : 0;
        final long l4At;
        // the IPv6 header's address when NatMangle may rewrite it in place (see nat6Key), else -1
        long nat6 = -1L;
        if ((first & 0xF0) == 0x60
            && ((p = FrameBytes.getByte(a, ipAt + Ipv6View.NEXT_HEADER_OFFSET) & 0xFF) == PROTO_UDP
                || p == PROTO_TCP)
            && UnsafeApi.getInt(a, meta + PacketLayout.STORED_LENGTH_OFFSET) - net >= Ipv6View.LENGTH) {
            // IPv6 with TCP or UDP right after the fixed header (no extension header to walk): the words in place,
            // as the checked path would read them
            fam = 6;
            sHi = FrameBytes.getLong(a, ipAt + Ipv6View.SRC_OFFSET);
            sLo = FrameBytes.getLong(a, ipAt + Ipv6View.SRC_OFFSET + 8);
            dHi = FrameBytes.getLong(a, ipAt + Ipv6View.DST_OFFSET);
            dLo = FrameBytes.getLong(a, ipAt + Ipv6View.DST_OFFSET + 8);
            l4At = ipAt + Ipv6View.LENGTH;
            if (UnsafeApi.getShort(a, meta + PacketLayout.TRANSPORT_OFFSET_OFFSET) == net + Ipv6View.LENGTH) {
                nat6 = ipAt;
            }
        } else if ((first & 0xF0) == 0x40
            && ((p = FrameBytes.getByte(a, ipAt + Ipv4View.PROTOCOL_OFFSET) & 0xFF) == PROTO_UDP
                || p == PROTO_TCP)
            && (FrameBytes.getShort(a, ipAt + Ipv4View.FRAG_OFFSET)
                & (Ipv4View.FLAG_MF | Ipv4View.FRAG_OFFSET_MASK)) == 0) {
            // IPv4 TCP or UDP, not a fragment: the same, the transport header after IHL words
            fam = 4;
            sHi = (long) FrameBytes.getInt(a, ipAt + Ipv4View.SRC_OFFSET) << 32;
            sLo = 0;
            dHi = (long) FrameBytes.getInt(a, ipAt + Ipv4View.DST_OFFSET) << 32;
            dLo = 0;
            l4At = ipAt + ((first & 0x0F) << 2);
        } else {
            l4At = -1;
            lastInPlace = false;
            if (!parseChecked(store, handle)) {
                return untracked(store, handle);
            }
            p = kProto;
            fam = kFamily;
            sHi = kSrcHi;
            sLo = kSrcLo;
            dHi = kDstHi;
            dLo = kDstLo;
        }
        if (l4At >= 0) {
            lastInPlace = true;
            ports = FrameBytes.getInt(a, l4At);
            tcpFlags = p == PROTO_TCP ? FrameBytes.getByte(a, l4At + 13) & 0xFF : 0;
        } else {
            ports = kPorts;
            tcpFlags = kTcpFlags;
        }
        // the memo first (the entry the same tuple found last, if the hash has not changed since), then the hash;
        // the key stays in registers unless the look-up goes to the hash or creates the entry
        final int pf = p | fam << 8;
        final int m = memoSlot >= 0 ? memoSlot & MEMO_MASK : memoIndex(sHi ^ sLo, dHi ^ dLo, ports, p);
        final long v = memo[m];
        int ref = (int) v;
        if ((int) (v >>> 32) != memoEpoch || !matches(ref, sHi, sLo, dHi, dLo, ports, pf)) {
            ref = memoMiss(m, fam, sHi, sLo, dHi, dLo, ports, p);
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
            key(fam, sHi, sLo, dHi, dLo, ports, p);
            final int e = create(nowNs);
            if (e < 0) {
                store.conntrack(handle, -1);
                return DROP_TABLE_FULL;
            }
            ref = e << 1;
            created = true;
        } else {
            found++;
        }
        final int e = ref >> 1;
        final int dir = ref & 1;
        final long[] rr = rec;
        final int st = R_STATUS + e * REC_LONGS;
        final long s0 = rr[st];
        lastCtInfo = dir == 1 ? IP_CT_ESTABLISHED_REPLY
            : ((int) s0 & IPS_SEEN_REPLY) != 0 ? IP_CT_ESTABLISHED : IP_CT_NEW;
        if (p == PROTO_UDP) {
            // udpPacket's update and a reply's IPS_SEEN_REPLY in one write of the status, and none if unchanged
            long s = s0;
            if ((s & IPS_SEEN_REPLY) != 0) {
                long extra = config.udpTimeoutNs;
                if (nowNs > rr[st - R_STATUS + R_UDP_STREAM]) {
                    extra = config.udpTimeoutStreamNs;
                    s |= IPS_ASSURED;
                }
                rr[st - R_STATUS + R_EXPIRES] = nowNs + extra;
            } else {
                rr[st - R_STATUS + R_EXPIRES] = nowNs + config.udpTimeoutNs;
            }
            s |= (long) dir * IPS_SEEN_REPLY;
            if (s != s0) {
                rr[st] = s;
            }
            UnsafeApi.putInt(a, meta + PacketLayout.CONNTRACK_OFFSET, ref);
            keepNat6(handle, ref, nat6, p);
            return ref;
        }
        final int r = tcpPacket(e, dir, tcpFlags, nowNs, created);
        if (r < 0) {
            UnsafeApi.putInt(a, meta + PacketLayout.CONNTRACK_OFFSET, -1);
            return r;
        }
        if (dir == 1) {
            final long s = rr[st];
            if ((s & IPS_SEEN_REPLY) == 0) {
                rr[st] = s | IPS_SEEN_REPLY;
            }
        }
        UnsafeApi.putInt(a, meta + PacketLayout.CONNTRACK_OFFSET, ref);
        keepNat6(handle, ref, nat6, p);
        return ref;
    }

    /** {@link #in}'s note for {@link #nat6HeaderAt}: the packet, its reference, its IPv6 header (-1: none). */
    private void keepNat6(final int handle, final int ref, final long ipAt, final int p) {
        nat6Key = ipAt < 0 ? -1L : (long) handle << 32 | ref;
        nat6At = ipAt;
        nat6Proto = p;
    }

    private int untracked(final PacketStore store, final int handle) {
        counters.increment(ConntrackCounter.UNTRACKED);
        store.conntrack(handle, -1);
        return UNTRACKED;
    }

    /**
     * The header walk of {@link #in} through the views and the buffer's range checks (IPv4, IPv6 with extension
     * headers, a header near the end of its slot): sets the scratch key and {@link #kTcpFlags}.
     *
     * @return false if the packet is not tracked
     */
    private boolean parseChecked(final PacketStore store, final int handle) {
        final int net = store.networkOffset(handle);
        if (net < 0) {
            return false;
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
                return false;
            }
            l4 = f + net + ip.headerLength();
            kFamily = 4;
            kSrcHi = (long) ip.src() << 32;
            kSrcLo = 0;
            kDstHi = (long) ip.dst() << 32;
            kDstLo = 0;
        } else if (version == 6) {
            ip6.wrap(b, f + net);
            if (!ip6.walkExtensionHeaders(store.storedLength(handle) - net) || ip6.isFragment()) {
                return false;
            }
            p = ip6.upperLayerProtocol();
            if (p != PROTO_TCP && p != PROTO_UDP) {
                return false;
            }
            l4 = f + net + ip6.upperLayerOffset();
            kFamily = 6;
            // the addresses through the view (its 40 bytes were range-checked once, on wrap)
            kSrcHi = ip6.srcHi();
            kSrcLo = ip6.srcLo();
            kDstHi = ip6.dstHi();
            kDstLo = ip6.dstLo();
        } else {
            return false;
        }
        kProto = p;
        // the ports (and TCP's flags byte) in one range check
        final byte[] a = b.byteArray();
        final long l4At = FrameBytes.address(b, l4, p == PROTO_TCP ? 14 : 4);
        kPorts = FrameBytes.getInt(a, l4At);
        kTcpFlags = p == PROTO_TCP ? FrameBytes.getByte(a, l4At + 13) & 0xFF : 0;
        return true;
    }

    private int tcpPacket(final int e, final int dir, final int flags, final long nowNs, final boolean created) {
        final long[] r = rec;
        final int b = e * REC_LONGS;
        final int old = (int) (r[b + R_STATUS] >>> 32) & 0xFF;
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
        long status = r[b + R_STATUS];
        if (ns == TcpConntrackState.SYN_SENT && old >= TcpConntrackState.TIME_WAIT) {
            status &= ~(IPS_SEEN_REPLY | IPS_ASSURED);
        }
        status = (status & LOW32) | (long) ns << 32;
        r[b + R_STATUS] = status;
        final long timeout = fc == TcpConntrackState.RST_SET ? config.tcpTimeoutCloseNs : tcpTimeout(ns);
        if ((status & IPS_SEEN_REPLY) == 0) {
            if (fc == TcpConntrackState.RST_SET) {
                delete(e, ConntrackCounter.DELETED);
                return KILLED;
            }
        } else if ((status & IPS_ASSURED) == 0
            && (old == TcpConntrackState.SYN_RECV || old == TcpConntrackState.ESTABLISHED)
            && ns == TcpConntrackState.ESTABLISHED) {
            r[b + R_STATUS] = status | IPS_ASSURED;
        }
        r[b + R_EXPIRES] = nowNs + timeout;
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
        rec[R_STATUS + (ref >> 1) * REC_LONGS] |= IPS_CONFIRMED;
    }

    /**
     * The packet that created a connection was dropped before confirmation: the entry is destroyed
     * ({@link ConntrackCounter#DELETED}). A no-op for a confirmed entry.
     *
     * @param ref a reference from {@link #in}
     */
    public void abort(final int ref) {
        final int e = ref >> 1;
        if (((int) rec[R_STATUS + e * REC_LONGS] & (IN_USE | IPS_CONFIRMED)) == IN_USE) {
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
        final long[] r = rec;
        final int b = e * REC_LONGS;
        r[b] = kSrcHi;
        r[b + 1] = kSrcLo;
        r[b + 2] = kDstHi;
        r[b + 3] = kDstLo;
        r[b + 4] = kSrcHi;
        r[b + 5] = kSrcLo;
        // ports A (source), B (destination), C (the reply's destination: the source's until NAT)
        r[b + R_KEY] = (long) (kProto | kFamily << 8) << 48 | (kPorts & LOW32) << 16 | kPorts >>> 16;
        r[b + R_STATUS] = IN_USE | (long) TcpConntrackState.NONE << 32;
        r[b + R_GEN_MASQ] = -1L << 32 | (r[b + R_GEN_MASQ] & LOW32);
        r[b + R_UDP_STREAM] = nowNs + UDP_STREAM_AFTER_NS;
        r[b + R_EXPIRES] = Long.MAX_VALUE;
        final int hr = storedHash(e, 1);
        r[b + R_HASHES] = (long) h << 32 | (hr & LOW32);
        insert(e << 1, h);
        insert((e << 1) | 1, hr);
        keepQdiscHash(e, 0);
        keepQdiscHash(e, 1);
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
                final int s = (int) rec[R_STATUS + e * REC_LONGS];
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
        final int b = e * REC_LONGS;
        return (rec[b + R_STATUS] & IPS_OFFLOAD) == 0 && nowNs >= rec[b + R_EXPIRES];
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
        final int b = e * REC_LONGS;
        if ((rec[b + R_STATUS] & IPS_SRC_NAT) != 0) {
            return 0;
        }
        final int origPorts = tuplePorts(e, 0);
        final int remotePort = origPorts & 0xFFFF;
        final int sport = origPorts >>> 16;
        kSrcHi = rec[b + 2];
        kSrcLo = rec[b + 3];
        kDstHi = (long) n0 << 32 | (n1 & LOW32);
        kDstLo = (long) n2 << 32 | (n3 & LOW32);
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
        final long[] r = rec;
        final int b = e * REC_LONGS;
        remove((e << 1) | 1, (int) r[b + R_HASHES]);
        r[b + 4] = kDstHi;
        r[b + 5] = kDstLo;
        r[b + R_KEY] = (r[b + R_KEY] & ~0xFFFFL) | port;
        final int hr = storedHash(e, 1);
        r[b + R_HASHES] = (r[b + R_HASHES] & ~LOW32) | (hr & LOW32);
        insert((e << 1) | 1, hr);
        keepQdiscHash(e, 0);
        keepNatCsumDelta(e);
        r[b + R_STATUS] |= IPS_SRC_NAT;
        r[b + R_GEN_MASQ] = (long) outIfindex << 32 | (r[b + R_GEN_MASQ] & LOW32);
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
            final int b = e * REC_LONGS;
            if (((int) rec[b + R_STATUS] & (IN_USE | IPS_SRC_NAT)) == (IN_USE | IPS_SRC_NAT)
                && (int) (rec[b + R_GEN_MASQ] >>> 32) == ifindex
                && (!byAddress || (family(e) == 4 && (int) (rec[b + 4] >>> 32) == address))) {
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
            if (((int) rec[R_STATUS + e * REC_LONGS] & IN_USE) != 0 && expired(e, nowNs)) {
                delete(e, ConntrackCounter.TIMED_OUT);
                removed++;
            }
        }
        return removed;
    }

    private void delete(final int e, final ConntrackCounter why) {
        final long[] r = rec;
        final int b = e * REC_LONGS;
        remove(e << 1, (int) (r[b + R_HASHES] >>> 32));
        remove((e << 1) | 1, (int) r[b + R_HASHES]);
        // the status goes, the TCP state stays (as it did when it had an array of its own)
        r[b + R_STATUS] &= ~LOW32;
        final long gm = r[b + R_GEN_MASQ];
        r[b + R_GEN_MASQ] = (gm & ~LOW32) | (((int) gm + 1) & LOW32);
        freeStack[freeCount++] = e;
        count--;
        if (why != null) {
            counters.increment(why);
        }
    }

    // ---------------------------------------------------------------- lookup memo

    /**
     * The memo's slot of a tuple: a multiplicative hash of the addresses (each folded to a long: its high and low
     * halves xored), the ports and the protocol. Any function would do: a slot is only a place to look, a hit is
     * verified.
     */
    static int memoIndex(final long src, final long dst, final int ports, final int p) {
        final int s = (int) (src >>> 32) ^ (int) src;
        final int d = (int) (dst >>> 32) ^ (int) dst;
        return ((s ^ Integer.rotateLeft(d, 16) ^ ports ^ p) * 0x9E3779B9) >>> (32 - MEMO_BITS);
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
        return hashOf(kFamily, (int) (kSrcHi >>> 32), (int) kSrcHi, (int) (kSrcLo >>> 32), (int) kSrcLo,
            (int) (kDstHi >>> 32), (int) kDstHi, (int) (kDstLo >>> 32), (int) kDstLo, kPorts, kProto);
    }

    private int storedHash(final int e, final int dir) {
        final long[] r = rec;
        final int b = e * REC_LONGS + 2 * dir;
        final long sHi = r[b];
        final long sLo = r[b + 1];
        final long dHi = r[b + 2];
        final long dLo = r[b + 3];
        return hashOf(family(e), (int) (sHi >>> 32), (int) sHi, (int) (sLo >>> 32), (int) sLo, (int) (dHi >>> 32),
            (int) dHi, (int) (dLo >>> 32), (int) dLo, tuplePorts(e, dir), protocol(e));
    }

    /** Sets the scratch key of a slow-path look-up or creation. */
    private void key(final int fam, final long sHi, final long sLo, final long dHi, final long dLo, final int ports,
        final int p) {
        kFamily = fam;
        kSrcHi = sHi;
        kSrcLo = sLo;
        kDstHi = dHi;
        kDstLo = dLo;
        kPorts = ports;
        kProto = p;
    }

    /**
     * Whether a reference's tuple is the given one: the record's key word (protocol, family and the direction's
     * ports), then the direction's two addresses (IPv4: the address in the high half of the first long, the rest
     * 0, as in a record).
     *
     * @param ref a reference ({@code entry << 1 | dir}), at least 0
     * @param pf the protocol in the low byte, the family in the next
     */
    private boolean matches(final int ref, final long sHi, final long sLo, final long dHi, final long dLo,
        final int ports, final int pf) {
        final long[] r = rec;
        final int b = (ref >> 1) * REC_LONGS + 2 * (ref & 1);
        final long k = r[(ref >> 1) * REC_LONGS + R_KEY];
        // every field's difference or-ed together: one test where a hit takes them all
        return ((k >>> 48 ^ pf) | ((int) (k >>> (16 - ((ref & 1) << 4))) ^ ports)
            | (r[b] ^ sHi) | (r[b + 2] ^ dHi) | (r[b + 1] ^ sLo) | (r[b + 3] ^ dLo)) == 0;
    }

    /**
     * {@link #in}'s look-up when the tuple's memo slot {@code m} does not hold it: the slot's pair
     * ({@code m ^ 1}, the same line), then the hash. A reference the hash finds goes into slot {@code m} if that
     * holds nothing of the current epoch, else into the pair if that holds nothing of it, else into {@code m} with
     * what {@code m} held moved into the pair: so any two tuples of one pair, whether their slot is the same or not,
     * settle and do not evict each other (every entry moved keeps its epoch and reference, so it is used exactly
     * when it would have been where it was; which slot an entry takes decides only whether a later look-up finds it
     * there, never what it finds).
     *
     * @return the reference, -1 if the hash has none
     */
    private int memoMiss(final int m, final int fam, final long sHi, final long sLo, final long dHi, final long dLo,
        final int ports, final int p) {
        final long[] mm = memo;
        final long v = mm[m ^ 1];
        final int pair = (int) v;
        final int epoch = memoEpoch;
        if ((int) (v >>> 32) == epoch && matches(pair, sHi, sLo, dHi, dLo, ports, p | fam << 8)) {
            return pair;
        }
        key(fam, sHi, sLo, dHi, dLo, ports, p);
        final int ref = findKey();
        memoMisses++;
        if (ref >= 0) {
            final long found = (long) epoch << 32 | ref;
            final long home = mm[m];
            if ((int) (home >>> 32) != epoch) {
                mm[m] = found;
            } else if ((int) (v >>> 32) != epoch) {
                mm[m ^ 1] = found;
            } else {
                mm[m ^ 1] = home;
                mm[m] = found;
            }
        }
        return ref;
    }

    private int findKey() {
        final int h = keyHash();
        final long[] s = slots;
        final int pf = kProto | kFamily << 8;
        int i = h & mask;
        while (true) {
            final long v = s[i];
            final int ref = (int) v;
            if (ref < 0) {
                return -1;
            }
            if ((int) (v >>> 32) == h && matches(ref, kSrcHi, kSrcLo, kDstHi, kDstLo, kPorts, pf)) {
                return ref;
            }
            i = (i + 1) & mask;
        }
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
        key(4, (long) src << 32, 0, (long) dst << 32, 0, ports, p);
        return findKey();
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
        key(6, srcHi, srcLo, dstHi, dstLo, ports, p);
        return findKey();
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

    /**
     * Keeps fq_codel's flow hash ({@link FqCodel#flowHashOf}) of direction {@code dir}'s packets after NAT: the
     * tuple of the other direction reversed.
     */
    private void keepQdiscHash(final int e, final int dir) {
        final long[] r = rec;
        final int b = e * REC_LONGS + 2 * (1 - dir);
        final int ports = Integer.rotateLeft(tuplePorts(e, 1 - dir), 16);
        // the other direction's destination (record address b + 2) is this one's source, its source the destination
        final int src;
        final int dst;
        if (family(e) == 4) {
            src = (int) (r[b + 2] >>> 32);
            dst = (int) (r[b] >>> 32);
        } else {
            src = (int) r[b + 2] ^ (int) r[b + 3];
            dst = (int) r[b] ^ (int) r[b + 1];
        }
        qdiscHashes[(e << 1) | dir] = FqCodel.flowHashOf(src, dst, ports, protocol(e));
    }

    /**
     * fq_codel's flow hash of the packet the last {@link #in} returned {@code ref} for, once {@link NatMangle} has
     * rewritten it with the connection's NAT: the hash {@code FqCodel} would compute from its headers, when
     * {@link #in} read them in place (IPv4 not a fragment, IPv6 TCP or UDP right after the fixed header), else
     * {@code -1} (compute it). Valid only until the next {@link #in}, and only while nothing else rewrites the
     * packet's addresses or ports.
     *
     * @param ref the reference the last {@link #in} returned
     * @return the hash in the low 32 bits, or -1
     */
    public long qdiscFlowHash(final int ref) {
        return lastInPlace ? qdiscHashes[ref] & LOW32 : -1L;
    }

    /**
     * Keeps, per direction of a source-NATed connection, the RFC 1624 terms ({@code ~m + m'}) of everything
     * {@link NatMangle} changes in a packet of it, folded: the 16-bit words of the address (original: the source A
     * becomes the NAT address C; reply: the destination C becomes A) and the port (A's port to C's, or back). The
     * checksum update of {@code inet_proto_csum_replace16} plus {@code inet_proto_csum_replace2}
     * (net/core/utils.c, Linux 6.18) is then {@code ~fold(~HC + delta)} for every packet of the direction: the
     * terms depend on the connection only, a ones' complement sum may be regrouped, and a fold of a partial sum is
     * congruent to it modulo 0xFFFF and 0 only when it is 0, so the result is the one of the whole sum.
     */
    private void keepNatCsumDelta(final int e) {
        final long[] r = rec;
        final int b = e * REC_LONGS;
        final long aHi = r[b];
        final long aLo = r[b + 1];
        final long cHi = r[b + 4];
        final long cLo = r[b + 5];
        final long k = r[b + R_KEY];
        final int portA = (int) (k >>> 32) & 0xFFFF;
        final int portC = (int) k & 0xFFFF;
        natCsumDeltas[e << 1] = natCsumDelta(aHi, aLo, cHi, cLo, portA, portC);
        natCsumDeltas[(e << 1) | 1] = natCsumDelta(cHi, cLo, aHi, aLo, portC, portA);
    }

    /**
     * The folded RFC 1624 terms of an address and a port rewritten: {@code fold(sum(~old) + sum(new))} over the
     * 16-bit words, summed 32 bits at a time (a 32-bit term is congruent modulo 0xFFFF to the sum of its halves and
     * 0 only when both are).
     *
     * @param oldHi the old address, high 64 bits
     * @param oldLo the old address, low 64 bits
     * @param newHi the new address, high 64 bits
     * @param newLo the new address, low 64 bits
     * @param oldPort the old port
     * @param newPort the new port
     * @return the folded sum, 0..0xFFFF (0 only when every term is 0)
     */
    static int natCsumDelta(final long oldHi, final long oldLo, final long newHi, final long newLo,
        final int oldPort, final int newPort) {
        final long notOldHi = ~oldHi;
        final long notOldLo = ~oldLo;
        return InetChecksum.fold((notOldHi >>> 32) + (notOldHi & LOW32) + (newHi >>> 32) + (newHi & LOW32)
            + (notOldLo >>> 32) + (notOldLo & LOW32) + (newLo >>> 32) + (newLo & LOW32)
            + (~oldPort & 0xFFFF) + (newPort & 0xFFFF));
    }

    /**
     * {@link #keepNatCsumDelta}'s sum for a reference of a source-NATed connection.
     *
     * @param ref a reference
     * @return the folded sum
     */
    int natCsumDelta(final int ref) {
        return natCsumDeltas[ref];
    }

    /**
     * Where the IPv6 header of a packet lies when the last {@link #in} matched it to {@code ref} reading it in
     * place (IPv6 TCP or UDP right after the fixed header, the transport offset there): its addresses and ports
     * are then those of the reference's tuple, so {@link NatMangle} may rewrite them without reading them. Valid
     * only until the next {@link #in}, and only while nothing else changes the packet's headers, addresses or
     * ports, or where its frame starts.
     *
     * @param handle the packet
     * @param ref the reference the last {@link #in} returned for it
     * @return the address (for {@link FrameBytes} with the store's array), or -1 (read the packet)
     */
    long nat6HeaderAt(final int handle, final int ref) {
        return nat6Key == ((long) handle << 32 | ref) ? nat6At : -1L;
    }

    /** @return the look-ups of {@link #in} that went past the memo to the hash */
    long memoMisses() {
        return memoMisses;
    }

    /** @return the transport protocol of the packet {@link #nat6HeaderAt} answered for */
    int nat6Proto() {
        return nat6Proto;
    }

    // ---------------------------------------------------------------- accessors

    /** {@link #addressHi}'s address of the original tuple's source. */
    static final int ADDRESS_ORIG_SRC = 0;
    /** {@link #addressHi}'s address of the reply tuple's destination (the NAT address after source NAT). */
    static final int ADDRESS_REPLY_DST = 2;

    /**
     * @param entry an entry
     * @param address 0 the original source, 1 the original destination (the reply's source), 2 the reply's
     *     destination
     * @return the address's high 64 bits (IPv4: the address in the high 32, then 0)
     */
    long addressHi(final int entry, final int address) {
        return rec[entry * REC_LONGS + 2 * address];
    }

    /**
     * @param entry an entry
     * @param address as {@link #addressHi}
     * @return the address's low 64 bits (IPv4: 0)
     */
    long addressLo(final int entry, final int address) {
        return rec[entry * REC_LONGS + 2 * address + 1];
    }

    /**
     * @param entry an entry
     * @return whether it is in use
     */
    public boolean inUse(final int entry) {
        return ((int) rec[R_STATUS + entry * REC_LONGS] & IN_USE) != 0;
    }

    /**
     * @param entry an entry
     * @return its generation, bumped when it is freed (for holders of a reference to check it is still theirs)
     */
    public int generation(final int entry) {
        return (int) rec[R_GEN_MASQ + entry * REC_LONGS];
    }

    /**
     * @param entry an entry
     * @return its {@code IPS_*} status bits
     */
    public int status(final int entry) {
        return (int) rec[R_STATUS + entry * REC_LONGS] & ~IN_USE;
    }

    /**
     * A flowtable took the connection ({@code test_and_set_bit(IPS_OFFLOAD_BIT)} in
     * {@code nft_flow_offload_eval}): it no longer times out here.
     *
     * @param entry an entry
     * @return false if it was already offloaded
     */
    public boolean offload(final int entry) {
        final int st = R_STATUS + entry * REC_LONGS;
        if ((rec[st] & IPS_OFFLOAD) != 0) {
            return false;
        }
        rec[st] |= IPS_OFFLOAD;
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
        final long[] r = rec;
        final int b = entry * REC_LONGS;
        if (((int) r[b + R_STATUS] & IN_USE) == 0) {
            return;
        }
        r[b + R_STATUS] &= ~IPS_OFFLOAD;
        long timeout;
        boolean expiredIdle = idleExpired;
        if (protocol(entry) == PROTO_TCP && closing) {
            r[b + R_STATUS] = (r[b + R_STATUS] & LOW32) | (long) TcpConntrackState.CLOSE << 32;
            timeout = config.tcpTimeoutCloseNs;
            expiredIdle = false;
        } else if (protocol(entry) == PROTO_TCP) {
            timeout = tcpTimeout(tcpState(entry));
        } else {
            timeout = (r[b + R_STATUS] & IPS_SEEN_REPLY) != 0 ? config.udpTimeoutStreamNs : config.udpTimeoutNs;
        }
        if (expiredIdle) {
            timeout -= offloadTimeoutNs;
        }
        r[b + R_EXPIRES] = nowNs + Math.max(0, timeout);
    }

    /**
     * @param entry an entry
     * @return its TCP state ({@link TcpConntrackState})
     */
    public int tcpState(final int entry) {
        return (int) (rec[R_STATUS + entry * REC_LONGS] >>> 32) & 0xFF;
    }

    /**
     * @param entry an entry
     * @return its IP protocol
     */
    public int protocol(final int entry) {
        return (int) (rec[R_KEY + entry * REC_LONGS] >>> 48) & 0xFF;
    }

    /**
     * @param entry an entry
     * @return when it expires (ns), {@code Long.MAX_VALUE} before its first packet is processed
     */
    public long expiresNs(final int entry) {
        return rec[R_EXPIRES + entry * REC_LONGS];
    }

    /**
     * @param entry an entry
     * @return 4 (IPv4) or 6 (IPv6)
     */
    public int family(final int entry) {
        return (int) (rec[R_KEY + entry * REC_LONGS] >>> 56);
    }

    /**
     * @param entry an entry
     * @param dir 0 original, 1 reply
     * @return the tuple's IPv4 source address (the first word of an IPv6 one)
     */
    public int tupleSrc(final int entry, final int dir) {
        return (int) (rec[entry * REC_LONGS + 2 * dir] >>> 32);
    }

    /**
     * @param entry an entry
     * @param dir 0 original, 1 reply
     * @return the tuple's IPv4 destination address (the first word of an IPv6 one)
     */
    public int tupleDst(final int entry, final int dir) {
        return (int) (rec[entry * REC_LONGS + 2 * dir + 2] >>> 32);
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
        final long half = rec[entry * REC_LONGS + 2 * (dir + (source ? 0 : 1)) + (word >> 1)];
        return (word & 1) == 0 ? (int) (half >>> 32) : (int) half;
    }

    /**
     * @param entry an entry
     * @param dir 0 original, 1 reply
     * @return the tuple's ports: source in the high 16 bits, destination in the low 16
     */
    public int tuplePorts(final int entry, final int dir) {
        return (int) (rec[R_KEY + entry * REC_LONGS] >>> (16 - (dir << 4)));
    }

    /**
     * @param entry an entry
     * @return the device it is masqueraded through, -1 if none
     */
    public int masqIfindex(final int entry) {
        return (int) (rec[R_GEN_MASQ + entry * REC_LONGS] >>> 32);
    }
}
