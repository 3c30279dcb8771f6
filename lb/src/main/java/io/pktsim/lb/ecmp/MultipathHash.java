package io.pktsim.lb.ecmp;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.hash.Jhash;
import io.pktsim.core.hash.SipHash;
import io.pktsim.stack.fib.MultipathLookup;

/**
 * The Linux multipath hash, bit for bit: {@code fib_multipath_hash()} (net/ipv4/route.c) for IPv4 and
 * {@code rt6_multipath_hash()} (net/ipv6/route.c) for IPv6, Linux 6.18, with
 * {@code fib_multipath_hash_policy} 0-3, {@code fib_multipath_hash_fields} and
 * {@code fib_multipath_hash_seed}.
 *
 * <p>Each hash builds the kernel's {@code struct flow_keys} image (bytes 8..55 for IPv4 addresses, 8..79
 * for IPv6) as little-endian 64-bit words, applies {@code __flow_hash_consistentify()} (addresses and ports
 * swapped independently, compared as the little-endian CPU reads them), hashes it with SipHash-2-4 keyed
 * {@code k0 = k1 = seed * 2^32 + seed} ({@code fib_multipath_hash_construct_key()}), keeps the low 32 bits
 * (0 becomes 1, {@code __flow_hash_from_keys()}), takes the policy-3 / tunnel {@code jhash_2words()} step
 * where the kernel does, and returns {@code value >>> 1}.
 *
 * <p>The IPv6 flow label enters the image in two byte orders, as in the kernel: big-endian where the hash
 * copies it from the IPv6 header or the {@code flowi6} ({@code ip6_flowlabel()}, {@code
 * flowi6_get_flowlabel()}: policy 0, and the flow path of policies 2 and 3), in CPU order where it comes
 * from the flow dissector ({@code ntohl()} in {@code __skb_flow_dissect()}: policy 2 on the packet path,
 * policy 3 on the packet path).
 *
 * <p>One instance per configuration and thread; the last hash's stages ({@link #lastHashedWords},
 * {@link #lastSipHash64()}, {@link #lastHash32()}) are kept for inspection. Nothing here allocates.
 */
public final class MultipathHash {

    /** Policy 0: L3 (addresses; IPv6 adds flow label and Next Header). */
    public static final int POLICY_L3 = 0;
    /** Policy 1: L4 five-tuple. */
    public static final int POLICY_L4 = 1;
    /** Policy 2: L3, of the inner packet when encapsulated. */
    public static final int POLICY_L3_INNER = 2;
    /** Policy 3: the fields of {@code fib_multipath_hash_fields}. */
    public static final int POLICY_CUSTOM = 3;

    /** {@code FIB_MULTIPATH_HASH_FIELD_SRC_IP}. */
    public static final int FIELD_SRC_IP = 0x0001;
    /** {@code FIB_MULTIPATH_HASH_FIELD_DST_IP}. */
    public static final int FIELD_DST_IP = 0x0002;
    /** {@code FIB_MULTIPATH_HASH_FIELD_IP_PROTO}. */
    public static final int FIELD_IP_PROTO = 0x0004;
    /** {@code FIB_MULTIPATH_HASH_FIELD_FLOWLABEL} (ignored for IPv4). */
    public static final int FIELD_FLOWLABEL = 0x0008;
    /** {@code FIB_MULTIPATH_HASH_FIELD_SRC_PORT}. */
    public static final int FIELD_SRC_PORT = 0x0010;
    /** {@code FIB_MULTIPATH_HASH_FIELD_DST_PORT}. */
    public static final int FIELD_DST_PORT = 0x0020;
    /** {@code FIB_MULTIPATH_HASH_FIELD_INNER_SRC_IP}. */
    public static final int FIELD_INNER_SRC_IP = 0x0040;
    /** {@code FIB_MULTIPATH_HASH_FIELD_INNER_DST_IP}. */
    public static final int FIELD_INNER_DST_IP = 0x0080;
    /** {@code FIB_MULTIPATH_HASH_FIELD_INNER_IP_PROTO}. */
    public static final int FIELD_INNER_IP_PROTO = 0x0100;
    /** {@code FIB_MULTIPATH_HASH_FIELD_INNER_FLOWLABEL}. */
    public static final int FIELD_INNER_FLOWLABEL = 0x0200;
    /** {@code FIB_MULTIPATH_HASH_FIELD_INNER_SRC_PORT}. */
    public static final int FIELD_INNER_SRC_PORT = 0x0400;
    /** {@code FIB_MULTIPATH_HASH_FIELD_INNER_DST_PORT}. */
    public static final int FIELD_INNER_DST_PORT = 0x0800;
    /** {@code FIB_MULTIPATH_HASH_FIELD_OUTER_MASK}. */
    public static final int FIELD_OUTER_MASK = 0x003F;
    /** {@code FIB_MULTIPATH_HASH_FIELD_INNER_MASK}. */
    public static final int FIELD_INNER_MASK = 0x0FC0;
    /** {@code FIB_MULTIPATH_HASH_FIELD_ALL_MASK}: the values the sysctl accepts (1..0xfff). */
    public static final int FIELD_ALL_MASK = 0x0FFF;
    /** The sysctl's default field set: source, destination, protocol. */
    public static final int FIELDS_DEFAULT = 0x0007;

    /** {@link #mode}: IPv4, policy 1 (the forwarding fast path). */
    private static final int MODE_IPV4_L4 = 1;
    /** {@link #mode}: IPv6, policy 1. */
    private static final int MODE_IPV6_L4 = 2;
    /** {@link #mode}: any other configuration. */
    private static final int MODE_GENERAL = 0;
    /**
     * Indexed by {@code ip_proto}: true for the protocols whose ports the flow dissector does not report
     * (everything but those of {@link #packetHasPorts}).
     */
    private static final boolean[] NO_PORTS = new boolean[256];

    static {
        for (int proto = 0; proto < 256; proto++) {
            NO_PORTS[proto] = !protocolHasPorts(proto);
        }
    }

    private final int family;
    private final int policy;
    private final int hashFields;
    private final long keyWord;
    /** Which hash {@link #hash} runs: one compare for the policy-1 paths. */
    private final int mode;
    /**
     * SipHash state after the image's first 24 bytes for each protocol with a zero flow-label word (protocol,
     * zero label, two zero VLAN words), plus the message-free part of word 3's first SipRound
     * ({@link SipPrefix}): computed once per configuration, so three of the six (IPv4) or nine (IPv6)
     * compressions and half a SipRound are never repeated. Exact: it is a pure function of the seed and the
     * protocol. 256 entries, filled by the constructor.
     */
    private final SipPrefix[] protoPrefix = new SipPrefix[256];
    /**
     * The same state for first words with a non-zero flow-label word (IPv6 policies 0, 2, 3), cached per
     * protocol and tagged with the whole first word (exact).
     */
    private final SipPrefix[] labelPrefix = new SipPrefix[256];
    /** The running SipHash of the current packet (its state between the inlined steps). */
    private final SipState sip = new SipState();
    private final long[] labelTag = new long[256];
    private final boolean[] labelValid = new boolean[256];
    // The last SipHash input, for inspection: the flow fields as hashed (after the field selection, before
    // the swap); the image words and the 64-bit result are rebuilt from these on demand rather than stored
    // per packet. IPv4 addresses are in the low 32 bits of the low halves.
    private long lastSrcHi;
    private long lastSrcLo;
    private long lastDstHi;
    private long lastDstLo;
    private int lastProto;
    private int lastSport;
    private int lastDport;
    private int lastLabelWord;
    /** Words hashed by the last flow hash: 6, 9, or 0 if it ran no SipHash. */
    private int lastWordCount;
    /** Words hashed by the last SipHash call (6 or 9; 0 before the first). */
    private int lastSipWordCount;

    /**
     * Creates the hash of one namespace's configuration.
     *
     * @param family {@link FlowKey#FAMILY_IPV4} or {@link FlowKey#FAMILY_IPV6} (selects the sysctl set)
     * @param policy {@code net.ipv{4,6}.fib_multipath_hash_policy}, 0..3
     * @param hashFields {@code net.ipv{4,6}.fib_multipath_hash_fields}, 1..0xfff (read under policy 3 only)
     * @param seed {@code net.ipv4.fib_multipath_hash_seed}, an unsigned 32-bit value (keys IPv6 too); 0 is
     *     modelled as the literal seed 0, whereas a kernel draws a boot-random seed for 0
     * @throws IllegalArgumentException if a value is out of range
     */
    public MultipathHash(final int family, final int policy, final int hashFields, final long seed) {
        if (family != FlowKey.FAMILY_IPV4 && family != FlowKey.FAMILY_IPV6) {
            throw new IllegalArgumentException("family must be 4 or 6, not " + family);
        }
        if (policy < POLICY_L3 || policy > POLICY_CUSTOM) {
            throw new IllegalArgumentException("fib_multipath_hash_policy must be 0..3, not " + policy);
        }
        if (hashFields < 1 || hashFields > FIELD_ALL_MASK) {
            throw new IllegalArgumentException("fib_multipath_hash_fields must be 1..0xfff, not 0x"
                + Integer.toHexString(hashFields));
        }
        if (seed < 0 || seed > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("fib_multipath_hash_seed must be 0..4294967295, not " + seed);
        }
        this.family = family;
        this.policy = policy;
        this.hashFields = hashFields;
        this.keyWord = keyWord(seed);
        if (policy == POLICY_L4) {
            this.mode = family == FlowKey.FAMILY_IPV4 ? MODE_IPV4_L4 : MODE_IPV6_L4;
        } else {
            this.mode = MODE_GENERAL;
        }
        for (int proto = 0; proto < 256; proto++) {
            protoPrefix[proto] = new SipPrefix().set(keyWord, keyWord, (long) proto << 16, 0, 0);
            labelPrefix[proto] = new SipPrefix();
        }
    }

    /**
     * The SipHash key word of a seed, {@code fib_multipath_hash_construct_key()}: {@code seed * 2^32 + seed};
     * the key is {@code k0 = k1 = } this word.
     *
     * @param seed the unsigned 32-bit seed
     * @return the 64-bit key word
     */
    public static long keyWord(final long seed) {
        final long s = seed & 0xFFFF_FFFFL;
        return (s << 32) | s;
    }

    /** @return 4 or 6 */
    public int family() {
        return family;
    }

    /** @return the hash policy 0..3 */
    public int policy() {
        return policy;
    }

    /** @return the policy-3 field mask */
    public int hashFields() {
        return hashFields;
    }

    /** @return the SipHash key word ({@code k0 = k1}) */
    public long keyWord() {
        return keyWord;
    }

    /**
     * Computes the 31-bit multipath hash {@code h} of a lookup, the value compared with the upper bounds.
     *
     * @param lookup the lookup (packet or flow path, keys, pre-set hash)
     * @return {@code h}, 0..2^31-1
     */
    public int hash(final MultipathLookup lookup) {
        final int m = mode;
        if (m == MODE_IPV4_L4) {
            return hashIpv4L4(lookup);
        }
        if (m == MODE_IPV6_L4) {
            return hashIpv6L4(lookup);
        }
        return family == FlowKey.FAMILY_IPV4 ? hashIpv4(lookup) : hashIpv6(lookup);
    }

    /**
     * Policy 1, IPv4, with the common case in one test: the five-tuple is hashed unless the packet path has
     * a pre-set L4 hash or no ports (fragment, protocol without ports, or a protocol number above 255), which
     * {@link #hashIpv4} handles. The same result as {@link #hashIpv4}, bit for bit.
     */
    private int hashIpv4L4(final MultipathLookup lookup) {
        final FlowKey k = lookup.key();
        final int proto = k.protocol();
        if ((proto & ~0xFF) != 0
            || lookup.packetPath() & (lookup.l4Hash() | k.isFragment() | NO_PORTS[proto & 0xFF])) {
            return hashIpv4(lookup);
        }
        final int h = sipIpv4(k.ipv4Src(), k.ipv4Dst(), proto, k.srcPort(), k.dstPort());
        final int tunnelHash = lookup.flowMultipathHash();
        if (tunnelHash != 0) {
            return Jhash.jhash2Words(h == 0 ? 1 : h, tunnelHash, 0) >>> 1;
        }
        // __flow_hash_from_keys() turns 0 into 1; both become 0 after the shift.
        return h >>> 1;
    }

    /** Policy 1, IPv6: as {@link #hashIpv4L4}; the same result as {@link #hashIpv6}, bit for bit. */
    private int hashIpv6L4(final MultipathLookup lookup) {
        final FlowKey k = lookup.key();
        final int proto = k.protocol();
        if ((proto & ~0xFF) != 0
            || lookup.packetPath() & (lookup.l4Hash() | k.isFragment() | NO_PORTS[proto & 0xFF])) {
            return hashIpv6(lookup);
        }
        return sipIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), proto, k.srcPort(),
            k.dstPort(), 0) >>> 1;
    }

    private int hashIpv4(final MultipathLookup lookup) {
        final FlowKey k = lookup.key();
        final boolean packet = lookup.packetPath();
        int mhash;
        switch (policy) {
            case POLICY_L3:
                if (packet && lookup.hasIcmpEmbedded()) {
                    final FlowKey e = lookup.icmpEmbeddedKey();
                    mhash = flowHashIpv4(e.ipv4Src(), e.ipv4Dst(), 0, 0, 0);
                } else {
                    mhash = flowHashIpv4(k.ipv4Src(), k.ipv4Dst(), 0, 0, 0);
                }
                break;
            case POLICY_L4:
                if (packet) {
                    if (lookup.l4Hash()) {
                        lastWordCount = 0;
                        return lookup.skbHash() >>> 1;
                    }
                    final boolean ports = packetHasPorts(k);
                    mhash = flowHashIpv4(k.ipv4Src(), k.ipv4Dst(), k.protocol(),
                        ports ? k.srcPort() : 0, ports ? k.dstPort() : 0);
                } else {
                    mhash = flowHashIpv4(k.ipv4Src(), k.ipv4Dst(), k.protocol(), k.srcPort(), k.dstPort());
                }
                break;
            case POLICY_L3_INNER:
                mhash = packet && lookup.hasInner() ? innerL3(lookup.innerKey())
                    : flowHashIpv4(k.ipv4Src(), k.ipv4Dst(), 0, 0, 0);
                break;
            default:
                mhash = packet ? jhashOuterInner(lookup) : customOuter(k, false);
                break;
        }
        final int tunnelHash = lookup.flowMultipathHash();
        if (tunnelHash != 0) {
            mhash = Jhash.jhash2Words(mhash, tunnelHash, 0);
        }
        return mhash >>> 1;
    }

    private int hashIpv6(final MultipathLookup lookup) {
        final FlowKey k = lookup.key();
        final boolean packet = lookup.packetPath();
        final int mhash;
        switch (policy) {
            case POLICY_L3:
                mhash = ipv6L3(lookup, packet);
                break;
            case POLICY_L4:
                if (packet) {
                    if (lookup.l4Hash()) {
                        lastWordCount = 0;
                        return lookup.skbHash() >>> 1;
                    }
                    final boolean ports = packetHasPorts(k);
                    mhash = flowHashIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), k.protocol(),
                        ports ? k.srcPort() : 0, ports ? k.dstPort() : 0, 0);
                } else {
                    mhash = flowHashIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), k.protocol(),
                        k.srcPort(), k.dstPort(), 0);
                }
                break;
            case POLICY_L3_INNER:
                if (!packet) {
                    mhash = ipv6L3(lookup, false);
                } else if (lookup.hasInner()) {
                    mhash = innerL3(lookup.innerKey());
                } else {
                    // A plain packet: the full dissection returns the outer IPv6 addresses, the label in CPU
                    // order and the upper-layer protocol (not the first Next Header, and not the ICMP error's
                    // embedded header).
                    mhash = flowHashIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), k.protocol(),
                        0, 0, k.flowLabel());
                }
                break;
            default:
                mhash = packet ? jhashOuterInner(lookup) : customOuter(k, false);
                break;
        }
        return mhash >>> 1;
    }

    private int ipv6L3(final MultipathLookup lookup, final boolean packet) {
        final FlowKey k = lookup.key();
        if (packet && lookup.hasIcmpEmbedded()) {
            final FlowKey e = lookup.icmpEmbeddedKey();
            return flowHashIpv6(e.ipv6SrcHi(), e.ipv6SrcLo(), e.ipv6DstHi(), e.ipv6DstLo(), e.protocol(), 0, 0,
                Integer.reverseBytes(e.flowLabel()));
        }
        final int first = lookup.ipv6FirstNextHeader();
        final int proto = packet && first >= 0 ? first : k.protocol();
        return flowHashIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), proto, 0, 0,
            Integer.reverseBytes(k.flowLabel()));
    }

    /** Policy 2, encapsulated packet: inner IPv4 gives addresses only, inner IPv6 adds label and protocol. */
    private int innerL3(final FlowKey in) {
        if (in.family() == FlowKey.FAMILY_IPV6) {
            return flowHashIpv6(in.ipv6SrcHi(), in.ipv6SrcLo(), in.ipv6DstHi(), in.ipv6DstLo(), in.protocol(), 0, 0,
                in.flowLabel());
        }
        return flowHashIpv4(in.ipv4Src(), in.ipv4Dst(), 0, 0, 0);
    }

    /** Policy 3 on the packet path: {@code jhash_2words(outer, inner, 0)}. */
    private int jhashOuterInner(final MultipathLookup lookup) {
        final int outer = customOuter(lookup.key(), true);
        int inner = 0;
        if (lookup.hasInner() && (hashFields & FIELD_INNER_MASK) != 0) {
            inner = customInner(lookup.innerKey());
        }
        return Jhash.jhash2Words(outer, inner, 0);
    }

    private int customOuter(final FlowKey k, final boolean packet) {
        final int f = hashFields;
        if ((f & FIELD_OUTER_MASK) == 0) {
            lastWordCount = 0;
            return 0;
        }
        final boolean ports = !packet || packetHasPorts(k);
        final int proto = (f & FIELD_IP_PROTO) != 0 ? k.protocol() : 0;
        final int sport = ports && (f & FIELD_SRC_PORT) != 0 ? k.srcPort() : 0;
        final int dport = ports && (f & FIELD_DST_PORT) != 0 ? k.dstPort() : 0;
        if (family == FlowKey.FAMILY_IPV4) {
            return flowHashIpv4((f & FIELD_SRC_IP) != 0 ? k.ipv4Src() : 0, (f & FIELD_DST_IP) != 0 ? k.ipv4Dst() : 0,
                proto, sport, dport);
        }
        final boolean src = (f & FIELD_SRC_IP) != 0;
        final boolean dst = (f & FIELD_DST_IP) != 0;
        int label = 0;
        if ((f & FIELD_FLOWLABEL) != 0) {
            label = packet ? k.flowLabel() : Integer.reverseBytes(k.flowLabel());
        }
        return flowHashIpv6(src ? k.ipv6SrcHi() : 0, src ? k.ipv6SrcLo() : 0, dst ? k.ipv6DstHi() : 0,
            dst ? k.ipv6DstLo() : 0, proto, sport, dport, label);
    }

    private int customInner(final FlowKey in) {
        final int f = hashFields;
        final int proto = (f & FIELD_INNER_IP_PROTO) != 0 ? in.protocol() : 0;
        final boolean ports = packetHasPorts(in);
        final int sport = ports && (f & FIELD_INNER_SRC_PORT) != 0 ? in.srcPort() : 0;
        final int dport = ports && (f & FIELD_INNER_DST_PORT) != 0 ? in.dstPort() : 0;
        final boolean src = (f & FIELD_INNER_SRC_IP) != 0;
        final boolean dst = (f & FIELD_INNER_DST_IP) != 0;
        if (in.family() == FlowKey.FAMILY_IPV6) {
            final int label = (f & FIELD_INNER_FLOWLABEL) != 0 ? in.flowLabel() : 0;
            return flowHashIpv6(src ? in.ipv6SrcHi() : 0, src ? in.ipv6SrcLo() : 0, dst ? in.ipv6DstHi() : 0,
                dst ? in.ipv6DstLo() : 0, proto, sport, dport, label);
        }
        return flowHashIpv4(src ? in.ipv4Src() : 0, dst ? in.ipv4Dst() : 0, proto, sport, dport);
    }

    /**
     * Whether the flow dissector reports ports for a packet: not for fragments (the first one included,
     * without {@code FLOW_DISSECTOR_F_PARSE_1ST_FRAG}), and only for the protocols of
     * {@code proto_ports_offset()} (TCP, UDP, DCCP, ESP, AH, SCTP, UDP-Lite; ESP and AH carry SPI bits).
     *
     * @param k the key
     * @return whether its ports enter a packet-path hash
     */
    public static boolean packetHasPorts(final FlowKey k) {
        return !k.isFragment() && protocolHasPorts(k.protocol());
    }

    private static boolean protocolHasPorts(final int protocol) {
        switch (protocol) {
            case FlowKey.PROTO_TCP:
            case FlowKey.PROTO_UDP:
            case 33:
            case 50:
            case 51:
            case FlowKey.PROTO_SCTP:
            case FlowKey.PROTO_UDPLITE:
                return true;
            default:
                return false;
        }
    }

    /**
     * {@code __flow_hash_from_keys()} of an IPv4-address flow-key image: consistentify, SipHash of the 48
     * bytes, low 32 bits, 0 becomes 1.
     *
     * @param src source address (big-endian int)
     * @param dst destination address
     * @param proto {@code basic.ip_proto}
     * @param sport source port 0..65535
     * @param dport destination port 0..65535
     * @return the 32-bit flow hash (never 0)
     */
    public int flowHashIpv4(final int src, final int dst, final int proto, final int sport, final int dport) {
        final int h = sipIpv4(src, dst, proto, sport, dport);
        return h == 0 ? 1 : h;
    }

    /** {@link #flowHashIpv4} before 0 becomes 1: the low 32 bits of the SipHash. */
    private int sipIpv4(final int src, final int dst, final int proto, final int sport, final int dport) {
        final int p = proto & 0xFF;
        lastSrcLo = src;
        lastDstLo = dst;
        lastProto = p;
        lastSport = sport;
        lastDport = dport;
        lastWordCount = 6;
        lastSipWordCount = 6;
        return (int) sip.ipv4(protoPrefix[p], src, dst, sport, dport);
    }

    /**
     * {@code __flow_hash_from_keys()} of an IPv6-address flow-key image: consistentify, SipHash of the 72
     * bytes, low 32 bits, 0 becomes 1.
     *
     * @param srcHi high half of the source address
     * @param srcLo low half of the source address
     * @param dstHi high half of the destination address
     * @param dstLo low half of the destination address
     * @param proto {@code basic.ip_proto}
     * @param sport source port 0..65535
     * @param dport destination port 0..65535
     * @param labelWord the {@code tags.flow_label} field as the CPU loads it: {@code
     *     Integer.reverseBytes(label)} for a big-endian label, {@code label} for a CPU-order label
     * @return the 32-bit flow hash (never 0)
     */
    public int flowHashIpv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int proto, final int sport, final int dport, final int labelWord) {
        final int h = sipIpv6(srcHi, srcLo, dstHi, dstLo, proto, sport, dport, labelWord);
        return h == 0 ? 1 : h;
    }

    /** {@link #flowHashIpv6} before 0 becomes 1: the low 32 bits of the SipHash. */
    private int sipIpv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int proto, final int sport, final int dport, final int labelWord) {
        final int p = proto & 0xFF;
        lastSrcHi = srcHi;
        lastSrcLo = srcLo;
        lastDstHi = dstHi;
        lastDstLo = dstLo;
        lastProto = p;
        lastSport = sport;
        lastDport = dport;
        lastLabelWord = labelWord;
        lastWordCount = 9;
        lastSipWordCount = 9;
        final SipPrefix prefix = labelWord == 0 ? protoPrefix[p] : labelPrefix(((long) p << 16) | ((long) labelWord << 32));
        return (int) sip.ipv6(prefix, srcHi, srcLo, dstHi, dstLo, sport, dport);
    }

    /** The cached SipHash state after words {@code w0, 0, 0} (non-zero label); computes it on a miss. */
    private SipPrefix labelPrefix(final long w0) {
        final int slot = (int) (w0 >>> 16) & 0xFF;
        final SipPrefix prefix = labelPrefix[slot];
        if (!labelValid[slot] || labelTag[slot] != w0) {
            prefix.set(keyWord, keyWord, w0, 0, 0);
            sip.invalidate();
            labelTag[slot] = w0;
            labelValid[slot] = true;
        }
        return prefix;
    }

    /**
     * Copies the bytes the last SipHash call hashed (48 or 72, in memory order) into {@code out}.
     *
     * @param out at least 72 bytes
     * @return the number of bytes, 0 if the last hash did not run SipHash (pre-set hash, empty field set)
     */
    public int lastHashedWords(final byte[] out) {
        final int n = lastWordCount;
        for (int i = 0; i < n; i++) {
            final long w = word(i);
            for (int j = 0; j < 8; j++) {
                out[8 * i + j] = (byte) (w >>> (8 * j));
            }
        }
        return 8 * n;
    }

    /** Word {@code i} of the last SipHash input, rebuilt with the same code that hashed it. */
    private long word(final int i) {
        if (i == 1 || i == 2) {
            return 0;
        }
        final boolean six = lastSipWordCount == 6;
        if (i == 0) {
            return ((long) lastProto << 16) | (six ? 0 : (long) lastLabelWord << 32);
        }
        if (i == 3) {
            return SipPrefix.portsWord(lastSport, lastDport);
        }
        if (six) {
            return SipPrefix.ipv4Word(i, (int) lastSrcLo, (int) lastDstLo);
        }
        final long swap = SipPrefix.ipv6Swap(lastSrcHi, lastSrcLo, lastDstHi, lastDstLo);
        final long hi = (lastSrcHi ^ lastDstHi) & swap;
        final long lo = (lastSrcLo ^ lastDstLo) & swap;
        return SipPrefix.ipv6Word(i, Long.rotateLeft(lastSrcHi ^ hi, 32), Long.rotateLeft(lastSrcLo ^ lo, 32),
            Long.rotateLeft(lastDstHi ^ hi, 32), Long.rotateLeft(lastDstLo ^ lo, 32));
    }

    /** @return the 64-bit SipHash output of the last flow hash (recomputed from its recorded input) */
    public long lastSipHash64() {
        if (lastSipWordCount == 6) {
            return SipHash.hash6Words(keyWord, keyWord, word(0), 0, 0, word(3), word(4), word(5));
        }
        if (lastSipWordCount == 9) {
            return SipHash.hash9Words(keyWord, keyWord, word(0), 0, 0, word(3), word(4), word(5), word(6), word(7),
                word(8));
        }
        return 0;
    }

    /** @return the 32-bit flow hash of the last SipHash call (after 0 becomes 1, before any jhash step) */
    public int lastHash32() {
        if (lastSipWordCount == 0) {
            return 0;
        }
        final int h = (int) lastSipHash64();
        return h == 0 ? 1 : h;
    }
}
