package io.pktsim.lb.ecmp;

import java.util.Objects;

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

    private final int family;
    private final int policy;
    private final int hashFields;
    private final long keyWord;
    /**
     * {@link #MODE_IPV4_L4}, {@link #MODE_IPV6_L4} (policy 1, the forwarding router's common case: {@link #hash}
     * takes {@link #hashIpv4L4} / {@link #hashIpv6L4} instead of the family and policy dispatch) or
     * {@link #MODE_OTHER}.
     */
    private final int mode;
    private static final int MODE_OTHER = 0;
    private static final int MODE_IPV4_L4 = 1;
    private static final int MODE_IPV6_L4 = 2;
    /**
     * SipHash state after the image's first 24 bytes for each protocol with a zero flow-label word (protocol,
     * zero label, two zero VLAN words): computed once per configuration, so three of the six (IPv4) or nine
     * (IPv6) compressions are never repeated. 256 protocols x 4 words (8 KiB per instance, filled by the
     * constructor).
     */
    private final long[] protoState = new long[256 * 4];
    /**
     * The same state for first words with a non-zero flow-label word (IPv6 policies 0, 2, 3), cached per
     * protocol and tagged with the whole first word (exact).
     */
    private final long[] labelState = new long[256 * 4];
    private final long[] labelTag = new long[256];
    private final boolean[] labelValid = new boolean[256];
    /** The running SipHash of the current packet, with a copy of the last prefix state ({@link SipState}). */
    private final SipState sip = new SipState();
    /** The two interleaved SipHashes of {@link #hashAll} (IPv6). */
    private final SipPair pair = new SipPair();
    // The last SipHash input, for inspection: words 1 and 2 (VLAN) are always 0. The 64-bit result is
    // recomputed from these on demand rather than stored per packet.
    private long lastW0;
    private long lastW3;
    private long lastW4;
    private long lastW5;
    private long lastW6;
    private long lastW7;
    private long lastW8;
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
            this.mode = MODE_OTHER;
        }
        for (int proto = 0; proto < 256; proto++) {
            SipHash.absorb3Words(keyWord, keyWord, (long) proto << 16, 0, 0, protoState, 4 * proto);
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
     * {@link #hashIpv4} under policy 1, the same value with the policy's branches only: the five-tuple unless
     * the packet carries an L4 {@code skb->hash} (used as is) or the dissector gives no ports (fragments, other
     * protocols), then the tunnel's {@code jhash_2words()} step if the lookup has one.
     */
    private int hashIpv4L4(final MultipathLookup lookup) {
        final FlowKey k = lookup.key();
        int sport = k.srcPort();
        int dport = k.dstPort();
        if (lookup.packetPath()) {
            if (lookup.l4Hash()) {
                lastWordCount = 0;
                return lookup.skbHash() >>> 1;
            }
            if (!packetHasPorts(k)) {
                sport = 0;
                dport = 0;
            }
        }
        final int h = sipIpv4(k.ipv4Src(), k.ipv4Dst(), k.protocol(), sport, dport);
        final int tunnelHash = lookup.flowMultipathHash();
        if (tunnelHash != 0) {
            return Jhash.jhash2Words(h == 0 ? 1 : h, tunnelHash, 0) >>> 1;
        }
        // __flow_hash_from_keys() turns 0 into 1, which the shift turns back into 0: h >>> 1 either way.
        return h >>> 1;
    }

    /**
     * {@link #hashIpv6} under policy 1, the same value with the policy's branches only: the five-tuple unless the
     * packet carries an L4 {@code skb->hash} (used as is) or the dissector gives no ports.
     */
    private int hashIpv6L4(final MultipathLookup lookup) {
        final FlowKey k = lookup.key();
        int sport = k.srcPort();
        int dport = k.dstPort();
        if (lookup.packetPath()) {
            if (lookup.l4Hash()) {
                lastWordCount = 0;
                return lookup.skbHash() >>> 1;
            }
            if (!packetHasPorts(k)) {
                sport = 0;
                dport = 0;
            }
        }
        // 0 becomes 1 (__flow_hash_from_keys()), which the shift turns back into 0: h >>> 1 either way.
        return sipIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), k.protocol(), sport, dport, 0) >>> 1;
    }

    /**
     * Computes the 31-bit multipath hashes of many lookups: {@code hash31[i] = hash(lookups[i])} for every
     * {@code i} in {@code from .. from + count - 1}, bit for bit the values of one {@link #hash} call each, for
     * throughput where flows come in bulk. IPv6: two consecutive lookups whose hash is one SipHash of one image
     * ({@link #plain}) are hashed together, their SipHash chains interleaved ({@link SipPair}) so that the core
     * overlaps them; any other lookup (policy 3, an L4 hash already on the packet, an ICMP error under policy 0,
     * a tunnelled packet under policy 2, an odd one out) takes the single path. IPv4 lookups take the single
     * path one after the other: for their 12 SipRounds a pair measured no faster than that loop (bench/README.md,
     * issue #3). Allocation-free.
     *
     * <p>Afterwards the inspection accessors ({@link #lastHashedWords}, {@link #lastSipHash64()},
     * {@link #lastHash32()}) describe the last lookup of the range.
     *
     * @param lookups the lookups
     * @param from index of the first lookup
     * @param count number of lookups, 0 or more
     * @param hash31 receives {@code h}, 0..2^31-1, at the lookup's own index
     * @throws IndexOutOfBoundsException if the range does not fit {@code lookups} or {@code hash31}
     */
    public void hashAll(final MultipathLookup[] lookups, final int from, final int count, final int[] hash31) {
        Objects.checkFromIndexSize(from, count, lookups.length);
        Objects.checkFromIndexSize(from, count, hash31.length);
        final int end = from + count;
        final boolean pairs = family == FlowKey.FAMILY_IPV6;
        int i = from;
        while (i < end) {
            if (pairs) {
                i = hashPlainPairs(lookups, i, end, hash31);
            }
            if (i < end) {
                hash31[i] = hash(lookups[i]);
                i++;
            }
        }
    }

    /**
     * Hashes IPv6 lookups two at a time from {@code from} on while both of a pair are {@link #plain}; a loop of its
     * own, so that the JIT keeps the interleaved SipHash states in registers there, away from the single path.
     *
     * @return the index of the first lookup not hashed ({@code end}, or the first of a pair that is not plain)
     */
    private int hashPlainPairs(final MultipathLookup[] lookups, final int from, final int end, final int[] hash31) {
        int i = from;
        while (i + 1 < end) {
            final MultipathLookup a = lookups[i];
            final MultipathLookup b = lookups[i + 1];
            if (!plain(a) || !plain(b)) {
                break;
            }
            final long both = hashPlainPair(a, b);
            hash31[i] = finishPlain((int) both);
            hash31[i + 1] = finishPlain((int) (both >>> 32));
            i += 2;
        }
        return i;
    }

    /**
     * Whether an IPv6 lookup's hash under this configuration is one SipHash of one image followed by nothing but
     * {@link #finishPlain}: policies 0 to 2 except, on the packet path, an ICMP error under policy 0 (its
     * embedded header is hashed), a tunnelled packet under policy 2 (the inner header) and, under policy 1, a
     * packet with an L4 {@code skb->hash} (used as is).
     */
    private boolean plain(final MultipathLookup lookup) {
        final boolean packet = lookup.packetPath();
        switch (policy) {
            case POLICY_L3:
                return !packet || !lookup.hasIcmpEmbedded();
            case POLICY_L4:
                return !packet || !lookup.l4Hash();
            case POLICY_L3_INNER:
                return !packet || !lookup.hasInner();
            default:
                return false;
        }
    }

    /**
     * The SipHash values of two {@link #plain} IPv6 lookups' images, interleaved.
     *
     * @return lookup {@code a}'s low 32 SipHash bits in bits 0..31, {@code b}'s in bits 32..63
     */
    private long hashPlainPair(final MultipathLookup a, final MultipathLookup b) {
        final SipPair p = pair;
        // Each lane takes its prefix state as soon as its image is known: a labelled prefix lives in a cache slot
        // that the other lane's image may refill.
        plainImage(a);
        lane(p, 0);
        plainImage(b);
        lane(p, 1);
        return p.hash9();
    }

    /** Hands the image in {@code lastW*} and its prefix state to lane {@code a} (0) or {@code b} (1). */
    private void lane(final SipPair p, final int lane) {
        // The words are read before labelPrefix's possible call, after which the JIT would load them from memory
        // again.
        final long w0 = lastW0;
        final long w3 = lastW3;
        final long w4 = lastW4;
        final long w5 = lastW5;
        final long w6 = lastW6;
        final long w7 = lastW7;
        final long w8 = lastW8;
        final long[] state;
        final int offset;
        if (w0 >>> 32 == 0) {
            state = protoState;
            offset = ((int) (w0 >>> 16) & 0xFF) << 2;
        } else {
            state = labelState;
            offset = labelPrefix(w0);
        }
        if (lane == 0) {
            p.laneA(state, offset, w3, w4, w5, w6, w7, w8);
        } else {
            p.laneB(state, offset, w3, w4, w5, w6, w7, w8);
        }
    }

    /**
     * The 72-byte image a {@link #plain} IPv6 lookup's hash covers, into {@code lastW0}, {@code lastW3..8}: the
     * same words as {@link #hashIpv6} passes to {@link #flowHashIpv6} for it.
     */
    private void plainImage(final MultipathLookup lookup) {
        final FlowKey k = lookup.key();
        final boolean packet = lookup.packetPath();
        // Policy 1 hashes the ports unless the dissector gives none; policies 0 and 2 hash none.
        final boolean ports = policy == POLICY_L4 && (!packet || packetHasPorts(k));
        int proto = k.protocol();
        int label = 0;
        if (policy == POLICY_L3 || policy == POLICY_L3_INNER && !packet) {
            // ipv6L3: the fixed header's Next Header on the packet path, the label big-endian.
            final int first = lookup.ipv6FirstNextHeader();
            proto = packet && first >= 0 ? first : k.protocol();
            label = Integer.reverseBytes(k.flowLabel());
        } else if (policy == POLICY_L3_INNER) {
            // A plain packet under policy 2: the dissector's label, in CPU order.
            label = k.flowLabel();
        }
        imageIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), proto, ports ? k.srcPort() : 0,
            ports ? k.dstPort() : 0, label);
    }

    /**
     * The rest of a {@link #plain} IPv6 lookup's hash after its SipHash: 0 becomes 1
     * ({@code __flow_hash_from_keys()}), then {@code >>> 1} (IPv6 has no tunnel hash step).
     */
    private static int finishPlain(final int sipLow32) {
        return (sipLow32 == 0 ? 1 : sipLow32) >>> 1;
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
        if (k.isFragment()) {
            return false;
        }
        switch (k.protocol()) {
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

    /** The low 32 bits of the SipHash of {@link #flowHashIpv4}'s image, before 0 becomes 1. */
    private int sipIpv4(final int src, final int dst, final int proto, final int sport, final int dport) {
        // The CPU (little-endian) reads the network-order address bytes: the compare is on the swapped value,
        // unsigned (as longs), branch-free (the swap is a coin toss per flow).
        final long a = Integer.toUnsignedLong(Integer.reverseBytes(src));
        final long b = Integer.toUnsignedLong(Integer.reverseBytes(dst));
        final long w0 = (long) (proto & 0xFF) << 16;
        final long w3 = portsWord(sport, dport);
        final long w4 = Math.min(a, b) << 32;
        final long w5 = Math.max(a, b);
        lastW0 = w0;
        lastW3 = w3;
        lastW4 = w4;
        lastW5 = w5;
        lastWordCount = 6;
        lastSipWordCount = 6;
        final SipState s = sip;
        s.start(w0, protoState, (proto & 0xFF) << 2);
        return (int) s.hash6(w3, w4, w5);
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

    /** The low 32 bits of the SipHash of {@link #flowHashIpv6}'s image, before 0 becomes 1. */
    private int sipIpv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int proto, final int sport, final int dport, final int labelWord) {
        imageIpv6(srcHi, srcLo, dstHi, dstLo, proto, sport, dport, labelWord);
        // Read back before labelPrefix's possible call, which would make the JIT load them from memory again.
        final long w0 = lastW0;
        final long w3 = lastW3;
        final long w4 = lastW4;
        final long w5 = lastW5;
        final long w6 = lastW6;
        final long w7 = lastW7;
        final long w8 = lastW8;
        final long[] state;
        final int offset;
        if (labelWord == 0) {
            state = protoState;
            offset = (proto & 0xFF) << 2;
        } else {
            state = labelState;
            offset = labelPrefix(w0);
        }
        final SipState s = sip;
        s.start(w0, state, offset);
        return (int) s.hash9(w3, w4, w5, w6, w7, w8);
    }

    /**
     * The consistentified 72-byte image of {@link #flowHashIpv6} into {@code lastW0}, {@code lastW3..8} (the
     * fields, not a buffer: inlined into the hash, the stores and loads fold away).
     */
    private void imageIpv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int proto, final int sport, final int dport, final int labelWord) {
        // memcmp(dst, src) < 0, a byte-wise compare of the big-endian halves: an unsigned compare of the high
        // halves, or of the low halves where those are equal (rare, and then a predictable branch). The swap itself
        // compiles to conditional moves where it is a coin toss (the two directions of forwarded traffic
        // interleave).
        final boolean swap = dstHi != srcHi ? dstHi + Long.MIN_VALUE < srcHi + Long.MIN_VALUE
            : dstLo + Long.MIN_VALUE < srcLo + Long.MIN_VALUE;
        final long aHi = swap ? dstHi : srcHi;
        final long aLo = swap ? dstLo : srcLo;
        final long bHi = swap ? srcHi : dstHi;
        final long bLo = swap ? srcLo : dstLo;
        final long s0 = Long.reverseBytes(aHi);
        final long s1 = Long.reverseBytes(aLo);
        final long d0 = Long.reverseBytes(bHi);
        final long d1 = Long.reverseBytes(bLo);
        lastW0 = ((long) (proto & 0xFF) << 16) | ((long) labelWord << 32);
        lastW3 = portsWord(sport, dport);
        lastW4 = s0 << 32;
        lastW5 = (s0 >>> 32) | (s1 << 32);
        lastW6 = (s1 >>> 32) | (d0 << 32);
        lastW7 = (d0 >>> 32) | (d1 << 32);
        lastW8 = d1 >>> 32;
        lastWordCount = 9;
        lastSipWordCount = 9;
    }

    /**
     * The image's word 3 after the port swap: key id 0 (bytes 32..35), then the two ports (bytes 36..39) in
     * network order, the one the little-endian CPU reads as the smaller first.
     */
    static long portsWord(final int sport, final int dport) {
        // Both orders at once, each one byte swap of the two ports as network-order bytes: (pd << 16 | ps)
        // and (ps << 16 | pd) in the upper half, with ps, pd the ports as the little-endian CPU reads them.
        // The compare reads ps and pd straight from the ports, in parallel: this word enters the first
        // SipRound, so its latency is on the packet's critical path.
        final long kept = Long.reverseBytes(Integer.toUnsignedLong((sport << 16) | (dport & 0xFFFF)));
        final long swapped = Long.reverseBytes(Integer.toUnsignedLong((dport << 16) | (sport & 0xFFFF)));
        // ps <= pd: already in order; else the two ports trade places.
        return Integer.reverseBytes(dport) >>> 16 < Integer.reverseBytes(sport) >>> 16 ? swapped : kept;
    }

    /** The offset of the cached SipHash state after words {@code w0, 0, 0} (non-zero label); computes it on a miss. */
    private int labelPrefix(final long w0) {
        final int slot = (int) (w0 >>> 16) & 0xFF;
        if (!labelValid[slot] || labelTag[slot] != w0) {
            SipHash.absorb3Words(keyWord, keyWord, w0, 0, 0, labelState, 4 * slot);
            labelTag[slot] = w0;
            labelValid[slot] = true;
        }
        return 4 * slot;
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

    private long word(final int i) {
        switch (i) {
            case 0:
                return lastW0;
            case 3:
                return lastW3;
            case 4:
                return lastW4;
            case 5:
                return lastW5;
            case 6:
                return lastW6;
            case 7:
                return lastW7;
            case 8:
                return lastW8;
            default:
                return 0;
        }
    }

    /** @return the 64-bit SipHash output of the last flow hash (recomputed from its recorded input) */
    public long lastSipHash64() {
        if (lastSipWordCount == 6) {
            return SipHash.hash6Words(keyWord, keyWord, lastW0, 0, 0, lastW3, lastW4, lastW5);
        }
        if (lastSipWordCount == 9) {
            return SipHash.hash9Words(keyWord, keyWord, lastW0, 0, 0, lastW3, lastW4, lastW5, lastW6, lastW7,
                lastW8);
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
