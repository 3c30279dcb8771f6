package io.pktsim.nic.ppe;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.hash.Jhash;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;

/**
 * The MT7621 Packet Processing Engine (HWNAT) flow table: drivers/net/ethernet/mediatek/mtk_ppe.c
 * ({@code mtk_ppe_hash_entry}, {@code mtk_ppe_init_foe_table}, {@code mtk_ppe_start},
 * {@code mtk_foe_entry_commit}, {@code __mtk_ppe_check_skb}, {@code __mtk_foe_entry_clear}), mtk_ppe.h
 * ({@code mtk_ppe_check_skb}) and mtk_ppe_offload.c ({@code mtk_flow_offload_replace}), Linux 6.18.
 *
 * <p>The table has {@code MTK_PPE_ENTRIES} = 8192 entries; on the MT7621 the 7 of every 128 that cross a 1 KB
 * boundary are marked static and never used, leaving 7744. A flow's IPv4 tuple hashes to an even index and
 * may sit in either way of that 2-way bucket. A packet that misses makes the PPE learn an unbound entry
 * ({@code SEARCH_MISS_ACTION_FORWARD_BUILD}) and go to the CPU, so the first packets of every flow take the
 * slow path. Once an unbound entry sees {@code BIND_RATE} (30) packets within a second, its packets reach the
 * CPU flagged {@code HIT_UNBIND_RATE_REACHED}; the driver then ({@link #checkSkb}, at most once per hash every
 * HZ/10) looks for a flow the flowtable offloaded ({@link #offloadReplace}) with that tuple and commits it:
 * the entry is bound and later packets are forwarded by hardware ({@link Result#HW_FORWARDED}, no CPU, no
 * qdisc). Bound entries idle for the bind age (TCP 7 s, UDP 12 s) are unbound again; unbound entries idle for
 * 3 s are invalidated ({@link #age}).
 *
 * <p>What cannot be offloaded is refused at {@link #offloadReplace} and therefore never binds: an egress that
 * is not a GMAC or a DSA port on it (a macvlan has no {@code ndo_fill_forward_path}, so the forward path ends
 * on the macvlan), IPv6 with NAT (the PPE only routes IPv6), and more than one VLAN push. A PPPoE session and
 * one VLAN are supported.
 *
 * <p>The entry index a packet used is in its RX descriptor, and the driver turns it into the packet's
 * {@code skb->hash} ({@link #skbHash}); IPv6 entries hash exactly ({@link #ipv6Src}).
 *
 * <p>Simplifications: the bind-rate window is one second from the window's first packet; a search miss never
 * evicts another entry (counted as a collision); IPv6 routes are keyed by the three 32-bit words the hash
 * folds their addresses and ports into;
 * no accounting (the MT7621 has none), keepalive, multicast or Wi-Fi (WDMA) paths. Allocation-free per packet.
 */
public final class PpeFlowTable {

    /** What happened to a packet at the PPE. */
    public enum Result {
        /** Forwarded by hardware: no CPU, no qdisc. */
        HW_FORWARDED,
        /** Sent to the CPU (slow path). */
        TO_CPU,
        /** Sent to the CPU with {@code HIT_UNBIND_RATE_REACHED}: the driver calls {@link #checkSkb}. */
        TO_CPU_RATE_REACHED
    }

    /** {@link #offloadReplace} refusal: the egress is not a frame-engine port (e.g. a macvlan). */
    public static final int EOPNOTSUPP_EGRESS = -1;
    /** {@link #offloadReplace} refusal: IPv6 with NAT. */
    public static final int EOPNOTSUPP_IPV6_NAT = -2;
    /** {@link #offloadReplace} refusal: more VLAN tags than one. */
    public static final int ENOSPC_ENCAP = -3;
    /** {@link #offloadReplace} refusal: the software flow list is full. */
    public static final int ENOMEM = -4;

    private static final byte INVALID = 0;
    private static final byte UNBIND = 1;
    private static final byte BIND = 2;
    private static final byte STATIC = 3;
    private static final int[] SKIP = {12, 25, 38, 51, 76, 89, 102};
    private static final long WINDOW_NS = 1_000_000_000L;
    private static final int PROTO_UDP = 17;
    private static final int RECORD_SHIFT = 3;
    private static final int RECORD = 1 << RECORD_SHIFT;
    private static final int KEY_ADDR = 0;
    private static final int KEY_PORTS = 1;
    private static final int LAST_NS = 2;
    private static final int WINDOW_START_NS = 3;
    private static final int WINDOW_PACKETS = 4;
    private static final int CHECK_TIME_NS = 5;
    private static final int SKB_HASH = 6;
    private static final int FLOW = 7;
    private static final long STATE_MASK = 0xFF;

    private final PpeConfig config;
    private final Counters<PpeCounter> counters = new Counters<>(PpeCounter.class);
    /**
     * The counters a frame moves on every pass ({@link PpeCounter#HW_FORWARDED}, {@link PpeCounter#TO_CPU},
     * {@link PpeCounter#RATE_REACHED}, {@link PpeCounter#CHECK_RATE_LIMITED}) as fields beside the table's state;
     * {@link #counters()} copies them into the counters.
     */
    private long hwForwarded;
    private long toCpu;
    private long rateReached;
    private long checkRateLimited;
    private final int entries;
    private final int ways;
    private final int usable;
    /**
     * The hardware entries, {@link #RECORD} longs each from index {@code entry << RECORD_SHIFT}, so that a packet's
     * lookup and updates touch one record instead of one line in each of ten arrays: {@link #KEY_ADDR} the source
     * address (high 32 bits) and destination address, {@link #KEY_PORTS} the ports word (high 32 bits), the
     * protocol byte (bits 15..8) and the state (bits 7..0), then the last packet's time, the bind-rate window's
     * start and packets, the last {@link #checkSkb}, the entry's {@link #skbHash} and the bound flow (-1: none): what
     * a packet of an unbound entry reads (all but the flow) in the record's first 56 bytes.
     */
    private final long[] hw;
    private final int[] swSrc;
    private final int[] swDst;
    private final int[] swPorts;
    private final byte[] swProto;
    private final int[] swHash;
    private final int[] swNext;
    private final int[] bucketHead;
    private final int[] swFree;
    private int swFreeCount;
    private int bound;
    private int lastHash = -1;
    private TraceBus trace = TraceBus.disabled();
    private int traceComponent;
    private int kindBind;
    private int kindUnbind;
    private int kindRateReached;

    /**
     * @param config the table size and timing
     */
    public PpeFlowTable(final PpeConfig config) {
        if (Integer.bitCount(config.entries) != 1 || config.entries < 128 || Integer.bitCount(config.hashOffset) != 1) {
            throw new IllegalArgumentException("PpeFlowTable: " + config.entries + " entries and hash offset "
                + config.hashOffset + " must be powers of two, entries at least 128");
        }
        this.config = config;
        this.entries = config.entries;
        this.ways = config.hashOffset;
        hw = new long[entries << RECORD_SHIFT];
        for (int i = 0; i < entries; i++) {
            final int r = i << RECORD_SHIFT;
            hw[r + FLOW] = -1;
            hw[r + CHECK_TIME_NS] = Long.MIN_VALUE / 2;
            hw[r + SKB_HASH] = skbHash(i);
        }
        if (config.skipBoundaryEntries) {
            for (int i = 0; i < entries; i += 128) {
                for (final int k : SKIP) {
                    setState(i + k, STATIC);
                }
            }
        }
        usable = usableEntries(config);
        final int sw = config.maxSoftwareFlows;
        swSrc = new int[sw];
        swDst = new int[sw];
        swPorts = new int[sw];
        swProto = new byte[sw];
        swHash = new int[sw];
        swNext = new int[sw];
        swFree = new int[sw];
        for (int i = 0; i < sw; i++) {
            swFree[i] = sw - 1 - i;
        }
        swFreeCount = sw;
        bucketHead = new int[entries / ways];
        java.util.Arrays.fill(bucketHead, -1);
    }

    /**
     * Publishes this table's decisions on a trace bus: {@code ppe_bind} (hash, flow), {@code ppe_unbind}
     * (hash, 1 if by ageing), {@code ppe_rate_reached} (hash, packets in the window).
     *
     * @param bus the bus
     * @param component the component name, e.g. {@code "ppe0"}
     */
    public void trace(final TraceBus bus, final String component) {
        this.trace = bus;
        this.traceComponent = bus.names().component(component);
        this.kindBind = bus.names().kind("ppe_bind", "hash", "flow");
        this.kindUnbind = bus.names().kind("ppe_unbind", "hash", "aged");
        this.kindRateReached = bus.names().kind("ppe_rate_reached", "hash", "packets");
    }

    /** @return the counters */
    public Counters<PpeCounter> counters() {
        counters.set(PpeCounter.HW_FORWARDED, hwForwarded);
        counters.set(PpeCounter.TO_CPU, toCpu);
        counters.set(PpeCounter.RATE_REACHED, rateReached);
        counters.set(PpeCounter.CHECK_RATE_LIMITED, checkRateLimited);
        return counters;
    }

    /** @return entries that can hold a flow (8192 − 448 = 7744 on the MT7621) */
    public int usableEntries() {
        return usable;
    }

    /**
     * The entries a table of this configuration can hold, without building it: all of them, less the
     * {@code SKIP.length} of every 128 that cross a 1 KiB boundary when {@code skipBoundaryEntries} is set
     * ({@code mtk_ppe_init_foe_table()}, drivers/net/ethernet/mediatek/mtk_ppe.c, 6.18).
     *
     * @param config the configuration
     * @return usable entries
     */
    public static int usableEntries(final PpeConfig config) {
        return config.skipBoundaryEntries ? config.entries - config.entries / 128 * SKIP.length : config.entries;
    }

    /** @return entries bound now */
    public int boundEntries() {
        return bound;
    }

    /** @return the entry index the last {@link #receive} used (the FOE hash in the RX descriptor), -1 if none */
    public int lastHash() {
        return lastHash;
    }

    /**
     * {@code mtk_ppe_hash_entry()} for an IPv4 HNAPT tuple.
     *
     * @param src source address
     * @param dst destination address
     * @param ports source port high 16 bits, destination port low 16
     * @return the first entry index of the flow's bucket
     */
    public int hash(final int src, final int dst, final int ports) {
        final int hv1 = ports;
        final int hv2 = dst;
        final int hv3 = src;
        int h = (hv1 & hv2) | (~hv1 & hv3);
        h = (h >>> 24) | ((h & 0xFFFFFF) << 8);
        h ^= hv1 ^ hv2 ^ hv3;
        h ^= h >>> 16;
        h <<= Integer.numberOfTrailingZeros(ways);
        return h & (entries - 1);
    }

    /**
     * The entry index a packet of this tuple gets in a table where no other flow holds its bucket: the first way
     * of {@link #hash} that is not a static (1 KiB boundary) entry. What {@link #receive} reports for a flow
     * whose bucket no other flow shares; for tools that have no table state ({@code pktsim ecmp}).
     *
     * @param src source address (IPv6: {@link #ipv6Src})
     * @param dst destination address (IPv6: {@link #ipv6Dst})
     * @param ports source port high 16 bits, destination port low 16 (IPv6: {@link #ipv6Ports})
     * @return the entry index, -1 if every way of the bucket is static
     */
    public int idleTableIndex(final int src, final int dst, final int ports) {
        final int h = hash(src, dst, ports);
        for (int w = 0; w < ways; w++) {
            if (state(h + w) != STATIC) {
                return h + w;
            }
        }
        return -1;
    }

    /**
     * The {@code skb->hash} the driver gives a frame whose RX descriptor carries FOE entry {@code foe}:
     * {@code mtk_poll_rx()} (drivers/net/ethernet/mediatek/mtk_eth_soc.c, 6.18) calls
     * {@code skb_set_hash(skb, jhash_1word(hash, 0), PKT_HASH_TYPE_L4)} unless the entry field is all ones
     * ({@code MTK_RXD4_FOE_ENTRY}, no entry).
     *
     * @param foe the entry index, 0..entries-1
     * @return the hash (an L4 hash: {@code skb->l4_hash} set)
     */
    public static int skbHash(final int foe) {
        return Jhash.jhash1Word(foe, 0);
    }

    /**
     * {@link #skbHash} of one of this table's entries, from a table computed once (the per-packet form).
     *
     * @param foe the entry index, 0..entries-1
     * @return {@code skbHash(foe)}
     */
    public int entrySkbHash(final int foe) {
        return (int) hw[(foe << RECORD_SHIFT) + SKB_HASH];
    }

    /**
     * The first of the three words {@code mtk_ppe_hash_entry()} hashes for an IPv6 5-tuple ({@code hv3} =
     * {@code src_ip[1] ^ dest_ip[1] ^ src_ip[0]}, address words in host order as {@code mtk_foe_entry_set_ipv6_tuple}
     * stores them): given as {@code src} to {@link #hash}, {@link #receive} and {@link #offloadReplace}, with
     * {@link #ipv6Dst} and {@link #ipv6Ports}, it makes the IPv6 entry index exact. The three words are also the
     * entry's key here (two IPv6 flows with the same three words would share an entry; the hardware compares
     * the full addresses).
     *
     * @param s0 source address bits 127..96
     * @param s1 source address bits 95..64
     * @param d1 destination address bits 95..64
     * @return {@code hv3}
     */
    public static int ipv6Src(final int s0, final int s1, final int d1) {
        return s1 ^ d1 ^ s0;
    }

    /**
     * {@code hv2} of an IPv6 5-tuple: {@code src_ip[2] ^ dest_ip[2] ^ dest_ip[0]} (see {@link #ipv6Src}).
     *
     * @param d0 destination address bits 127..96
     * @param s2 source address bits 63..32
     * @param d2 destination address bits 63..32
     * @return {@code hv2}
     */
    public static int ipv6Dst(final int d0, final int s2, final int d2) {
        return s2 ^ d2 ^ d0;
    }

    /**
     * {@code hv1} of an IPv6 5-tuple: {@code src_ip[3] ^ dest_ip[3] ^ ports} (see {@link #ipv6Src}).
     *
     * @param s3 source address bits 31..0
     * @param d3 destination address bits 31..0
     * @param ports source port high 16 bits, destination port low 16
     * @return {@code hv1}
     */
    public static int ipv6Ports(final int s3, final int d3, final int ports) {
        return s3 ^ d3 ^ ports;
    }

    // ---------------------------------------------------------------- driver: flowtable callbacks

    /**
     * {@code mtk_flow_offload_replace}: the flowtable offloads one direction of a flow. The entry is prepared
     * and listed under its hash ({@code mtk_foe_entry_commit}); it binds later, when the hardware reports the
     * bind rate for it. The tuple is the one the packet carries when it enters the PPE (before NAT).
     *
     * @param src source address
     * @param dst destination address
     * @param ports source port high 16 bits, destination port low 16
     * @param proto 6 or 17
     * @param ipv6 an IPv6 flow (addresses folded to 32 bits)
     * @param nat whether the flow rewrites addresses or ports
     * @param vlanPushes 802.1Q tags to push on egress
     * @param egressIsFrameEnginePort whether the forward path ends on a GMAC or a DSA port on it (false for a
     *     macvlan)
     * @return a flow id, or {@link #EOPNOTSUPP_EGRESS}, {@link #EOPNOTSUPP_IPV6_NAT}, {@link #ENOSPC_ENCAP},
     *     {@link #ENOMEM}
     */
    public int offloadReplace(final int src, final int dst, final int ports, final int proto, final boolean ipv6,
        final boolean nat, final int vlanPushes, final boolean egressIsFrameEnginePort) {
        if (!egressIsFrameEnginePort) {
            counters.increment(PpeCounter.REFUSED_EGRESS);
            return EOPNOTSUPP_EGRESS;
        }
        if (ipv6 && nat) {
            counters.increment(PpeCounter.REFUSED_IPV6_NAT);
            return EOPNOTSUPP_IPV6_NAT;
        }
        if (vlanPushes > 1) {
            counters.increment(PpeCounter.REFUSED_ENCAP);
            return ENOSPC_ENCAP;
        }
        if (swFreeCount == 0) {
            counters.increment(PpeCounter.REFUSED_FULL);
            return ENOMEM;
        }
        final int f = swFree[--swFreeCount];
        swSrc[f] = src;
        swDst[f] = dst;
        swPorts[f] = ports;
        swProto[f] = (byte) proto;
        swHash[f] = -1;
        final int b = hash(src, dst, ports) / ways;
        swNext[f] = bucketHead[b];
        bucketHead[b] = f;
        if (config.bindOnOffload) {
            bindDirectly(f, b * ways, 0);
        }
        return f;
    }

    private void bindDirectly(final int f, final int h, final long nowNs) {
        int slot = findWay(h, swSrc[f], swDst[f], swPorts[f], swProto[f], swProto[f]);
        if (slot < 0) {
            slot = freeWay(h);
        }
        if (slot < 0) {
            counters.increment(PpeCounter.COLLISION);
            return;
        }
        setKey(slot, swSrc[f], swDst[f], swPorts[f], swProto[f], nowNs);
        bind(slot, f, nowNs);
    }

    /**
     * {@code mtk_flow_offload_destroy} → {@code mtk_foe_entry_clear}: the flowtable removed the flow; a bound
     * entry goes back to unbound.
     *
     * @param flowId from {@link #offloadReplace}
     */
    public void offloadDestroy(final int flowId) {
        final int h = swHash[flowId];
        if (h >= 0 && hw[(h << RECORD_SHIFT) + FLOW] == flowId) {
            unbind(h);
        }
        final int b = hash(swSrc[flowId], swDst[flowId], swPorts[flowId]) / ways;
        int prev = -1;
        for (int f = bucketHead[b]; f >= 0; f = swNext[f]) {
            if (f == flowId) {
                if (prev < 0) {
                    bucketHead[b] = swNext[f];
                } else {
                    swNext[prev] = swNext[f];
                }
                break;
            }
            prev = f;
        }
        swHash[flowId] = -1;
        swFree[swFreeCount++] = flowId;
    }

    /**
     * @param flowId from {@link #offloadReplace}
     * @return whether its entry is bound in hardware
     */
    public boolean isBound(final int flowId) {
        final int h = swHash[flowId];
        return h >= 0 && state(h) == BIND && hw[(h << RECORD_SHIFT) + FLOW] == flowId;
    }

    /**
     * How long a bound flow has been idle in hardware ({@code mtk_foe_entry_idle_time}), for the flowtable's
     * stats refresh.
     *
     * @param flowId from {@link #offloadReplace}
     * @param nowNs simulated time
     * @return nanoseconds since its last hardware-forwarded packet, {@code Long.MAX_VALUE} if not bound
     */
    public long idleNs(final int flowId, final long nowNs) {
        return isBound(flowId) ? nowNs - hw[(swHash[flowId] << RECORD_SHIFT) + LAST_NS] : Long.MAX_VALUE;
    }

    // ---------------------------------------------------------------- hardware: per packet

    /**
     * One IPv4 TCP/UDP packet entering the PPE from a GMAC.
     *
     * @param src source address
     * @param dst destination address
     * @param ports source port high 16 bits, destination port low 16
     * @param proto 6 or 17
     * @param nowNs simulated time
     * @return what happened; {@link #lastHash()} is the entry used
     */
    public Result receive(final int src, final int dst, final int ports, final int proto, final long nowNs) {
        return receiveInBucket(hash(src, dst, ports), src, dst, ports, proto, nowNs);
    }

    /**
     * {@link #receive} of a packet whose bucket is known: for a caller that sends many packets of one tuple (a
     * frame template) and computed {@link #hash} of it once.
     *
     * @param h {@code hash(src, dst, ports)}
     * @param src source address
     * @param dst destination address
     * @param ports source port high 16 bits, destination port low 16
     * @param proto 6 or 17
     * @param nowNs simulated time
     * @return what happened; {@link #lastHash()} is the entry used
     */
    public Result receiveInBucket(final int h, final int src, final int dst, final int ports, final int proto,
        final long nowNs) {
        final long[] e = hw;
        int slot = proto == (byte) proto ? findWay(h, ((long) src << 32) | (dst & 0xFFFF_FFFFL),
            ((long) ports << 32) | ((proto & 0xFFL) << 8)) : -1;
        if (slot >= 0 && state(slot) == BIND) {
            e[(slot << RECORD_SHIFT) + LAST_NS] = nowNs;
            lastHash = slot;
            hwForwarded++;
            return Result.HW_FORWARDED;
        }
        toCpu++;
        if (slot < 0) {
            slot = freeWay(h);
            if (slot < 0) {
                counters.increment(PpeCounter.COLLISION);
                lastHash = -1;
                return Result.TO_CPU;
            }
            setKey(slot, src, dst, ports, proto, nowNs);
            setState(slot, UNBIND);
            counters.increment(PpeCounter.LEARNED);
        }
        lastHash = slot;
        final int r = slot << RECORD_SHIFT;
        e[r + LAST_NS] = nowNs;
        if (nowNs - e[r + WINDOW_START_NS] >= WINDOW_NS) {
            e[r + WINDOW_START_NS] = nowNs;
            e[r + WINDOW_PACKETS] = 0;
        }
        final long packets = ++e[r + WINDOW_PACKETS];
        if (packets >= config.bindRatePps) {
            rateReached++;
            if (trace.enabled()) {
                trace.publish(nowNs, traceComponent, kindRateReached, TraceEvent.NO_PACKET, slot, packets);
            }
            return Result.TO_CPU_RATE_REACHED;
        }
        return Result.TO_CPU;
    }

    /**
     * {@code mtk_ppe_check_skb} → {@code __mtk_ppe_check_skb}: the driver saw {@code HIT_UNBIND_RATE_REACHED}
     * for entry {@code hash}; at most once per hash per {@code checkIntervalNs} it looks for an offloaded flow
     * with the entry's tuple and commits it.
     *
     * @param hash the entry index from the RX descriptor ({@link #lastHash()})
     * @param nowNs simulated time
     * @return whether a flow was bound
     */
    public boolean checkSkb(final int hash, final long nowNs) {
        // the common case (all but one call per entry every checkIntervalNs) short enough to inline
        if (hash >= 0 && hash < entries
            && nowNs - hw[(hash << RECORD_SHIFT) + CHECK_TIME_NS] < config.checkIntervalNs) {
            checkRateLimited++;
            return false;
        }
        return checkSkbUnlimited(hash, nowNs);
    }

    /** {@link #checkSkb} past its rate limit (or for an index outside the table). */
    private boolean checkSkbUnlimited(final int hash, final long nowNs) {
        if (hash < 0 || hash >= entries) {
            return false;
        }
        final int r = hash << RECORD_SHIFT;
        hw[r + CHECK_TIME_NS] = nowNs;
        if (state(hash) == BIND) {
            return false;
        }
        for (int f = bucketHead[hash / ways]; f >= 0; f = swNext[f]) {
            final long addr = hw[r + KEY_ADDR];
            final long portsProto = hw[r + KEY_PORTS];
            if (state(hash) == UNBIND && swSrc[f] == (int) (addr >>> 32) && swDst[f] == (int) addr
                && swPorts[f] == (int) (portsProto >>> 32) && swProto[f] == (byte) (portsProto >>> 8)) {
                bind(hash, f, nowNs);
                return true;
            }
        }
        counters.increment(PpeCounter.CHECK_NO_FLOW);
        return false;
    }

    /**
     * The PPE's ageing scan: bound entries idle for their protocol's bind age are unbound
     * ({@link PpeCounter#AGED_BOUND}); unbound entries idle for the unbind age are invalidated.
     *
     * @param nowNs simulated time
     * @return entries changed
     */
    public int age(final long nowNs) {
        int changed = 0;
        final long[] e = hw;
        for (int i = 0; i < entries; i++) {
            final int r = i << RECORD_SHIFT;
            final long portsProto = e[r + KEY_PORTS];
            final byte s = (byte) (portsProto & STATE_MASK);
            if (s == BIND) {
                final long limit = (byte) (portsProto >>> 8) == PROTO_UDP ? config.udpAgeNs : config.tcpAgeNs;
                if (nowNs - e[r + LAST_NS] >= limit) {
                    unbind(i);
                    if (trace.enabled()) {
                        trace.publish(nowNs, traceComponent, kindUnbind, TraceEvent.NO_PACKET, i, 1);
                    }
                    counters.increment(PpeCounter.AGED_BOUND);
                    changed++;
                }
            } else if (s == UNBIND && nowNs - e[r + LAST_NS] >= config.unbindAgeNs) {
                setState(i, INVALID);
                counters.increment(PpeCounter.AGED_UNBOUND);
                changed++;
            }
        }
        return changed;
    }

    /**
     * The way of bucket {@code h} that holds this key in a valid (bound or unbound) entry, -1 if none.
     * {@code protoByte} is {@code (byte) proto}: an entry keeps its protocol as a byte, and a protocol no byte
     * equals (outside -128..127) matches none.
     */
    private int findWay(final int h, final int src, final int dst, final int ports, final int proto,
        final byte protoByte) {
        if (proto != protoByte) {
            return -1;
        }
        return findWay(h, ((long) src << 32) | (dst & 0xFFFF_FFFFL),
            ((long) ports << 32) | ((protoByte & 0xFFL) << 8));
    }

    /**
     * {@link #findWay(int, int, int, int, int, byte)} with the key as the record holds it: {@code addr} as
     * {@link #KEY_ADDR}, {@code portsProto} as {@link #KEY_PORTS} with the state bits 0. A way matches when its key
     * is that and its state {@link #UNBIND} or {@link #BIND} ({@code state - UNBIND} 0 or 1).
     */
    private int findWay(final int h, final long addr, final long portsProto) {
        final long[] e = hw;
        final int end = h + ways;
        for (int i = h; i < end; i++) {
            final int r = i << RECORD_SHIFT;
            final long k = e[r + KEY_PORTS];
            if ((k & ~STATE_MASK) == portsProto && e[r + KEY_ADDR] == addr
                && (((k & STATE_MASK) - UNBIND) & ~1L) == 0) {
                return i;
            }
        }
        return -1;
    }

    private int freeWay(final int h) {
        for (int w = 0; w < ways; w++) {
            if (state(h + w) == INVALID) {
                return h + w;
            }
        }
        return -1;
    }

    private byte state(final int i) {
        return (byte) (hw[(i << RECORD_SHIFT) + KEY_PORTS] & STATE_MASK);
    }

    private void setState(final int i, final byte s) {
        final int r = (i << RECORD_SHIFT) + KEY_PORTS;
        hw[r] = (hw[r] & ~STATE_MASK) | s;
    }

    private void setKey(final int i, final int src, final int dst, final int ports, final int proto,
        final long nowNs) {
        final long[] e = hw;
        final int r = i << RECORD_SHIFT;
        e[r + KEY_ADDR] = ((long) src << 32) | (dst & 0xFFFF_FFFFL);
        e[r + KEY_PORTS] = ((long) ports << 32) | ((proto & 0xFFL) << 8) | (e[r + KEY_PORTS] & STATE_MASK);
        e[r + LAST_NS] = nowNs;
        e[r + WINDOW_START_NS] = nowNs;
        e[r + WINDOW_PACKETS] = 0;
    }

    private void bind(final int i, final int f, final long nowNs) {
        setState(i, BIND);
        final int r = i << RECORD_SHIFT;
        hw[r + FLOW] = f;
        hw[r + LAST_NS] = nowNs;
        swHash[f] = i;
        bound++;
        counters.increment(PpeCounter.BOUND);
        if (trace.enabled()) {
            trace.publish(nowNs, traceComponent, kindBind, TraceEvent.NO_PACKET, i, f);
        }
    }

    private void unbind(final int i) {
        setState(i, UNBIND);
        final int r = i << RECORD_SHIFT;
        final int f = (int) hw[r + FLOW];
        if (f >= 0 && swHash[f] == i) {
            swHash[f] = -1;
        }
        hw[r + FLOW] = -1;
        hw[r + WINDOW_PACKETS] = 0;
        bound--;
    }
}
