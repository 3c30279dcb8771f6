package io.pktsim.cli.ecmp;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.InetText;
import io.pktsim.core.hash.Jhash;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.Ipv6MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.lb.ecmp.NexthopChooser;
import io.pktsim.lb.ecmp.ResilientNexthopGroup;
import io.pktsim.stack.fib.MultipathLookup;

/**
 * {@code pktsim ecmp --explain}: one block of plain text per flow, stage by stage, saying why the flow takes
 * its nexthop under Linux 6.18: which fields the policy puts into {@code struct flow_keys}, the swap of
 * {@code __flow_hash_consistentify()} (net/core/flow_dissector.c), the hashed bytes, the SipHash-2-4 of
 * {@code __flow_hash_from_keys()}, the policy-3 {@code jhash_2words()} step of a forwarded packet, the shift
 * of {@code fib_multipath_hash()} / {@code rt6_multipath_hash()}, the upper bounds of {@code fib_rebalance()}
 * / {@code rt6_multipath_rebalance()} and the choice of {@code fib_select_multipath()} /
 * {@code fib6_select_path()} or of a resilient group's bucket ({@code nexthop_select_path_res()}). A forwarded
 * packet that carries an L4 {@code skb->hash} (the skb_hash column, or the K2P PPE's {@code jhash_1word(foe, 0)}
 * with {@code --skb-hash ppe}, {@link PpeRx}) under policy 1 skips all of the hashing: the block says where the
 * hash comes from and that {@code skb->hash >> 1} is the hash.
 *
 * <p>The numbers come from the model itself ({@link MultipathHash}'s inspection accessors and the route's
 * upper bounds); the words around them are derived from the configuration. Each block is checked against the
 * hash and nexthop of the normal output: a disagreement is a bug and throws {@link IllegalStateException}.
 * Not a hot path: it allocates freely.
 */
final class EcmpExplain {

    /** Offsets into the hashed bytes (the image from {@code FLOW_KEYS_HASH_OFFSET} = 8 on). */
    private static final int OFF_PROTO = 2;
    private static final int OFF_LABEL = 4;
    private static final int OFF_PORTS = 28;
    private static final int OFF_ADDRS = 36;

    private final int family;
    private final int policy;
    private final int fields;
    private final long seed;
    private final int[] weights;
    private final boolean[] dead;
    private final int[] sources;
    private final boolean local;
    private final MultipathHash hash;
    private final NexthopChooser chooser;
    private final PpeRx ppe;
    private final MultipathLookup lookup = new MultipathLookup();
    private final byte[] bytes = new byte[72];

    /**
     * @param family 4 or 6
     * @param policy the hash policy 0..3
     * @param fields the policy-3 field mask
     * @param seed the hash seed, unsigned 32-bit
     * @param weights the nexthop weights in route order
     * @param dead which nexthops are dead
     * @param sources IPv4 preferred source of each nexthop, or null
     * @param local whether the flows are local (flow path)
     * @param hash the hash of this configuration
     * @param chooser the route or resilient group of this configuration
     * @param ppe the K2P PPE that gave the flows their {@code skb->hash} ({@code --skb-hash ppe}), or null
     */
    EcmpExplain(final int family, final int policy, final int fields, final long seed, final int[] weights,
        final boolean[] dead, final int[] sources, final boolean local, final MultipathHash hash,
        final NexthopChooser chooser, final PpeRx ppe) {
        this.family = family;
        this.policy = policy;
        this.fields = fields;
        this.seed = seed;
        this.weights = weights.clone();
        this.dead = dead.clone();
        this.sources = sources == null ? null : sources.clone();
        this.local = local;
        this.hash = hash;
        this.chooser = chooser;
        this.ppe = ppe;
    }

    private boolean ipv4() {
        return family == FlowKey.FAMILY_IPV4;
    }

    /**
     * Prints one flow's block.
     *
     * @param out where to print
     * @param number the flow's 1-based number
     * @param f the flow
     * @param expectedHash the 31-bit hash of the normal output
     * @param expectedNexthop the nexthop of the normal output
     */
    void explain(final PrintWriter out, final int number, final EcmpCommand.Flow f, final int expectedHash,
        final int expectedNexthop) {
        final MultipathLookup l = lookup.reset();
        if (ipv4()) {
            l.key().setIpv4(f.src(), f.dst(), f.proto(), f.sport(), f.dport());
        } else {
            l.key().setIpv6(f.srcHi(), f.srcLo(), f.dstHi(), f.dstLo(), f.proto(), f.sport(), f.dport(), f.label());
        }
        l.packetPath(!local).hasSource(local);
        if (f.hasSkbHash()) {
            l.skbHash((int) f.skbHash(), true);
        }
        final int h = hash.hash(l);
        final int n = hash.lastHashedWords(bytes);

        out.println("flow " + number + " (line " + f.line() + "): " + address(true, f) + " -> " + address(false, f)
            + ", proto " + f.proto() + ", ports " + f.sport() + " -> " + f.dport()
            + (ipv4() ? "" : ", flow label " + f.label() + " (0x" + Integer.toHexString(f.label()) + ")"));
        final String fn = ipv4() ? "fib_multipath_hash()" : "rt6_multipath_hash()";
        out.println(local ? "  local flow: " + fn + " takes the flow path (only the " + (ipv4() ? "flowi4" : "flowi6")
            + ", no packet)" : "  forwarded packet: " + fn + " takes the packet path (it has the skb)");
        skbHashLines(out, f, fn);
        if (f.hasSkbHash() && policy == MultipathHash.POLICY_L4 && !local) {
            // fib_multipath_hash() / rt6_multipath_hash(), policy 1 with an skb: an L4 hash already on the packet is
            // returned shifted right by one, before the flow dissector runs (MultipathHash does the same).
            out.println("  policy 1 (L4) on a packet with skb->l4_hash set: " + fn + " returns skb->hash >> 1 at"
                + " once: the flow's fields are not hashed (no flow_keys, no seed, no SipHash)");
            final int h31 = (int) (f.skbHash() >>> 1);
            final String use = chooser instanceof ResilientNexthopGroup ? "its remainder picks the bucket"
                : "compared with the upper bounds";
            out.println("  >> 1 -> hash " + h31 + " (skb->hash " + f.skbHash() + " >> 1; " + use + ")");
            finish(out, f, h31, h, expectedHash, expectedNexthop);
            return;
        }
        out.println("  " + policyLine(l.key()));

        final boolean jhashStep = policy == MultipathHash.POLICY_CUSTOM && !local;
        int value;
        if (n == 0) {
            out.println("  no outer field selected: the outer hash is 0, no SipHash runs");
            value = 0;
        } else {
            final boolean ports = portsHashed(l.key());
            final boolean sel3 = policy == MultipathHash.POLICY_CUSTOM;
            final int sport = ports && (!sel3 || (fields & MultipathHash.FIELD_SRC_PORT) != 0) ? f.sport() : 0;
            final int dport = ports && (!sel3 || (fields & MultipathHash.FIELD_DST_PORT) != 0) ? f.dport() : 0;
            final boolean srcIp = !sel3 || (fields & MultipathHash.FIELD_SRC_IP) != 0;
            final boolean dstIp = !sel3 || (fields & MultipathHash.FIELD_DST_IP) != 0;
            out.println("  __flow_hash_consistentify(): " + addressSwap(f, srcIp, dstIp) + "; "
                + portSwap(sport, dport));
            out.println("  flow_keys bytes hashed (" + n + " bytes, offsets 8.." + (8 + n - 1)
                + ", as __flow_hash_from_keys() hashes them): " + hex(bytes, 0, n));
            out.println("    fields in those bytes: ip_proto " + (bytes[OFF_PROTO] & 0xFF) + " (offset 10), flow_label "
                + hex(bytes, OFF_LABEL, 4) + " (offset 12), ports " + be16(OFF_PORTS) + ", " + be16(OFF_PORTS + 2)
                + " (offset 36), addresses " + slotAddress(0) + ", " + slotAddress(1) + " (offset 44); the rest is 0");
            out.println(String.format(Locale.ROOT,
                "  siphash key (fib_multipath_hash_seed 0x%x): k0 = k1 = 0x%016x (fib_multipath_hash_construct_key())",
                seed, MultipathHash.keyWord(seed)));
            final long sip = hash.lastSipHash64();
            value = hash.lastHash32();
            out.println(String.format(Locale.ROOT, "  SipHash-2-4 -> 0x%016x; low 32 bits %d%s", sip,
                Integer.toUnsignedLong(value),
                (int) sip == 0 ? " (they were 0, __flow_hash_from_keys() makes them 1)"
                    : " (__flow_hash_from_keys(); 0 would become 1)"));
        }
        if (jhashStep) {
            final int j = Jhash.jhash2Words(value, 0, 0);
            out.println("  policy 3 on a packet: jhash_2words(" + Integer.toUnsignedLong(value)
                + ", 0, 0) -> " + Integer.toUnsignedLong(j) + " (inner hash 0: the packet has no encapsulation)");
            value = j;
        }
        final int h31 = value >>> 1;
        out.println("  >> 1 -> hash " + h31 + (chooser instanceof ResilientNexthopGroup
            ? " (31 bits; its remainder picks the bucket)" : " (31 bits, compared with the upper bounds)"));
        finish(out, f, h31, h, expectedHash, expectedNexthop);
    }

    /** Checks the explained hash against the model's and the normal output's, then prints the choice. */
    private void finish(final PrintWriter out, final EcmpCommand.Flow f, final int h31, final int h,
        final int expectedHash, final int expectedNexthop) {
        if (h31 != h || h != expectedHash) {
            throw new IllegalStateException("explain: hash " + h31 + " / " + h + " differs from " + expectedHash);
        }
        final int chosen = choiceLines(out, f, h31);
        if (chosen != expectedNexthop) {
            throw new IllegalStateException("explain: nexthop " + chosen + " differs from " + expectedNexthop);
        }
    }

    /**
     * Where the flow's {@code skb->hash} comes from (the K2P PPE or the skb_hash column), and, when the hash does
     * not read it, why.
     */
    private void skbHashLines(final PrintWriter out, final EcmpCommand.Flow f, final String fn) {
        if (local && (f.hasSkbHash() || ppe != null)) {
            out.println("  a local flow is not a received frame: " + fn + " gets no skb, so no skb->hash is read"
                + (ppe != null ? " (the foe and skb_hash columns show what the K2P's PPE would give a received frame"
                    + " of this tuple)" : " (the skb_hash column is not used)"));
            return;
        }
        if (ppe != null) {
            if (!f.hasSkbHash()) {
                out.println("  the K2P's PPE (MT7621) makes FOE entries for TCP and UDP only: protocol " + f.proto()
                    + " gets none, so mtk_poll_rx() sets no skb->hash");
                return;
            }
            final int bucket = ppe.bucket(f);
            out.println(String.format(Locale.ROOT, "  the K2P's PPE (MT7621): mtk_ppe_hash_entry() (mtk_ppe.c) of the"
                + " %s (0x%08x, 0x%08x, 0x%08x) -> bucket %d..%d; FOE entry %d, the first way that is not a static"
                + " 1 KiB-boundary entry (no other flow in the bucket)",
                ipv4() ? "tuple (src, dst, sport << 16 | dport)"
                    : "folded tuple (src0^src1^dst1, dst0^src2^dst2, src3^dst3^(sport << 16 | dport))",
                ppe.hv3(f), ppe.hv2(f), ppe.hv1(f), bucket, bucket + 1, f.foe()));
            out.println(String.format(Locale.ROOT, "  mtk_poll_rx() (mtk_eth_soc.c): skb_set_hash(skb, jhash_1word(%d,"
                + " 0) = 0x%08x, PKT_HASH_TYPE_L4): skb->hash 0x%08x, skb->l4_hash set", f.foe(), f.skbHash(),
                f.skbHash()));
        } else if (f.hasSkbHash()) {
            out.println(String.format(Locale.ROOT, "  skb->hash 0x%08x with skb->l4_hash set (the skb_hash column: as"
                + " a NIC's RSS or the MT7621 PPE sets it)", f.skbHash()));
        } else {
            return;
        }
        if (policy != MultipathHash.POLICY_L4) {
            out.println("  policy " + policy + " does not read skb->hash (only policy 1 returns skb->hash >> 1 when"
                + " skb->l4_hash is set)");
        }
    }

    private String address(final boolean src, final EcmpCommand.Flow f) {
        if (ipv4()) {
            return InetText.ipv4(src ? f.src() : f.dst());
        }
        return src ? InetText.ipv6(f.srcHi(), f.srcLo()) : InetText.ipv6(f.dstHi(), f.dstLo());
    }

    /** Whether the policy hashes ports and the path has them (the dissector's ports on the packet path). */
    private boolean portsHashed(final FlowKey k) {
        if (policy != MultipathHash.POLICY_L4 && policy != MultipathHash.POLICY_CUSTOM) {
            return false;
        }
        return local || MultipathHash.packetHasPorts(k);
    }

    private String policyLine(final FlowKey k) {
        final boolean noPorts = !local && !MultipathHash.packetHasPorts(k);
        final String portless = "protocol " + k.protocol() + " has no ports for the flow dissector, so they stay 0";
        switch (policy) {
            case MultipathHash.POLICY_L3:
                return "policy 0 (L3): " + l3Fields();
            case MultipathHash.POLICY_L4:
                final String l4 = "policy 1 (L4): addresses, protocol and ports"
                    + (ipv4() ? "" : ", no flow label");
                if (local) {
                    return l4 + "; the flow path hashes the ports for every protocol";
                }
                return noPorts ? l4 + "; " + portless : l4;
            case MultipathHash.POLICY_L3_INNER:
                if (local) {
                    return "policy 2 (L3, inner if encapsulated): the flow path hashes as policy 0: " + l3Fields();
                }
                if (ipv4()) {
                    return "policy 2 (L3, inner if encapsulated): a plain packet, no inner header: as policy 0, "
                        + l3Fields();
                }
                return "policy 2 (L3, inner if encapsulated): a plain packet, no inner header: addresses, the flow"
                    + " label as the flow dissector gives it (CPU order, after ntohl()) and the protocol; ports stay 0";
            default:
                return customLine(noPorts ? portless : null);
        }
    }

    /** Policy 0's fields (and policy 2's when it hashes as policy 0). */
    private String l3Fields() {
        if (ipv4()) {
            return "the hash covers the addresses only; protocol and ports stay 0";
        }
        if (local) {
            return "addresses, flow label (big-endian, flowi6_get_flowlabel()) and protocol; ports stay 0";
        }
        return "addresses, flow label (big-endian as in the header, ip6_flowlabel()) and the Next Header of the"
            + " fixed header; ports stay 0";
    }

    private String customLine(final String portless) {
        final List<String> names = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        addIf(names, MultipathHash.FIELD_SRC_IP, "source address");
        addIf(names, MultipathHash.FIELD_DST_IP, "destination address");
        addIf(names, MultipathHash.FIELD_IP_PROTO, "protocol");
        if ((fields & MultipathHash.FIELD_FLOWLABEL) != 0) {
            if (ipv4()) {
                notes.add("the flow label bit 0x08 is ignored for IPv4");
            } else {
                names.add(local ? "flow label (big-endian, flowi6_get_flowlabel())"
                    : "flow label (CPU order, from the flow dissector)");
            }
        }
        addIf(names, MultipathHash.FIELD_SRC_PORT, "source port");
        addIf(names, MultipathHash.FIELD_DST_PORT, "destination port");
        if (portless != null && (fields & (MultipathHash.FIELD_SRC_PORT | MultipathHash.FIELD_DST_PORT)) != 0) {
            notes.add(portless);
        }
        if (local) {
            notes.add("the flow path hashes the outer fields only: no inner fields, no jhash_2words() step");
        } else if ((fields & MultipathHash.FIELD_INNER_MASK) != 0) {
            notes.add(String.format(Locale.ROOT, "the inner fields 0x%x need an encapsulated packet; these flows have"
                + " none", fields & MultipathHash.FIELD_INNER_MASK));
        }
        final StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
            "policy 3 (fib_multipath_hash_fields 0x%x): ", fields));
        if (!names.isEmpty()) {
            s.append(String.join(", ", names));
        } else if ((fields & MultipathHash.FIELD_OUTER_MASK) == 0) {
            s.append("no outer field");
        } else {
            s.append("no field an IPv4 flow has, but an outer bit is set, so the all-zero flow_keys are still hashed");
        }
        s.append("; every other field stays 0");
        for (final String note : notes) {
            s.append("; ").append(note);
        }
        return s.toString();
    }

    private void addIf(final List<String> names, final int bit, final String name) {
        if ((fields & bit) != 0) {
            names.add(name);
        }
    }

    private String addressSwap(final EcmpCommand.Flow f, final boolean srcIp, final boolean dstIp) {
        final boolean equal;
        final boolean kept;
        if (ipv4()) {
            final int src = srcIp ? f.src() : 0;
            final int dst = dstIp ? f.dst() : 0;
            equal = src == dst;
            kept = be32(OFF_ADDRS) == src;
        } else {
            final long srcHi = srcIp ? f.srcHi() : 0;
            final long srcLo = srcIp ? f.srcLo() : 0;
            equal = srcHi == (dstIp ? f.dstHi() : 0) && srcLo == (dstIp ? f.dstLo() : 0);
            kept = be64(OFF_ADDRS) == srcHi && be64(OFF_ADDRS + 8) == srcLo;
        }
        if (equal) {
            return "the two address slots are equal, nothing to swap";
        }
        final String how = ipv4() ? "as the little-endian CPU reads the 32-bit words"
            : "compared byte by byte, memcmp()";
        return kept ? "addresses kept (the source is lower, " + how + ")"
            : "addresses swapped (the destination is lower, " + how + ")";
    }

    private String portSwap(final int sport, final int dport) {
        if (sport == 0 && dport == 0) {
            return "ports not hashed";
        }
        if (sport == dport) {
            return "ports equal, nothing to swap";
        }
        final boolean kept = be16(OFF_PORTS) == sport;
        final String how = " as the little-endian CPU reads the 16-bit field";
        return kept ? "ports kept (the source port " + sport + " is lower" + how + ")"
            : "ports swapped (the destination port " + dport + " is lower" + how + ")";
    }

    /**
     * Prints the nexthop lines and returns the nexthop the explanation arrives at.
     */
    private int choiceLines(final PrintWriter out, final EcmpCommand.Flow f, final int h31) {
        if (chooser instanceof ResilientNexthopGroup g) {
            return resilientLines(out, g, h31);
        }
        final int[] ub = new int[weights.length];
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            ub[i] = ipv4() ? ((Ipv4MultipathRoute) chooser).upperBound(i)
                : ((Ipv6MultipathRoute) chooser).upperBound(i);
            total += dead[i] ? 0 : weights[i];
        }
        final List<String> parts = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            parts.add("#" + i + " weight " + weights[i] + (dead[i] ? " dead" : " upper bound " + ub[i]));
        }
        out.println("  nexthops (" + (ipv4() ? "fib_rebalance()" : "rt6_multipath_rebalance()")
            + ", ub = round(S * 2^31 / T) - 1, S = live weight up to the nexthop, T = " + total
            + " = all live weight): "
            + String.join(", ", parts));
        final String select = ipv4() ? "fib_select_multipath()" : "fib6_select_path()";
        for (int i = 0; i < weights.length; i++) {
            if (dead[i]) {
                out.println("  #" + i + " is dead (its device is down): upper bound -1, its weight is left out of T,"
                    + (ipv4() ? " and fib_select_multipath() skips a nexthop whose bound is -1"
                        : " and fib6_select_path() never takes it (no hash is <= -1)"));
            }
        }
        int first = -1;
        int previous = -1;
        for (int i = 0; i < weights.length; i++) {
            if (!dead[i]) {
                if (h31 <= ub[i]) {
                    first = i;
                    break;
                }
                previous = i;
            }
        }
        final String threshold = previous < 0 ? h31 + " <= " + ub[first] + " (#" + first + ")"
            : ub[previous] + " (#" + previous + ") < " + h31 + " <= " + ub[first] + " (#" + first + ")";
        if (!local || sources == null || f.src() == 0) {
            out.println("  " + select + ": the first live nexthop with hash <= upper bound: " + threshold
                + " -> nexthop " + first);
            return first;
        }
        // IPv4 local output with a source address: the 6.18 score walk.
        final List<String> scores = new ArrayList<>();
        int best = -1;
        int bestScore = -1;
        for (int i = 0; i < weights.length; i++) {
            if (dead[i]) {
                continue;
            }
            final int score = (h31 <= ub[i] ? 1 : 0) + (sources[i] == f.src() ? 2 : 0);
            scores.add("#" + i + " " + score);
            if (score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        out.println("  hash threshold alone: " + threshold);
        out.println("  " + select + " scores each live nexthop for a local flow from " + InetText.ipv4(f.src())
            + ": +1 if hash <= upper bound, +2 if that address is its preferred source: " + String.join(", ", scores)
            + "; the first with the highest score wins -> nexthop " + best);
        return best;
    }

    private int resilientLines(final PrintWriter out, final ResilientNexthopGroup g, final int h31) {
        final List<String> parts = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            parts.add("#" + i + " weight " + weights[i] + (dead[i] ? " removed" : " owns " + g.bucketsOf(i)
                + " buckets"));
        }
        out.println("  resilient group, " + g.bucketCount() + " buckets, freshly created: " + String.join(", ", parts));
        for (int i = 0; i < weights.length; i++) {
            if (dead[i]) {
                out.println("  #" + i + " left the group when its device went down; its buckets went to the others");
            }
        }
        final int bucket = h31 % g.bucketCount();
        final int owner = g.bucketOwner(bucket);
        out.println("  nexthop_select_path_res(): bucket " + h31 + " % " + g.bucketCount() + " = " + bucket
            + ", owned by #" + owner + " -> nexthop " + owner);
        return owner;
    }

    private int be16(final int off) {
        return (bytes[off] & 0xFF) << 8 | (bytes[off + 1] & 0xFF);
    }

    private int be32(final int off) {
        return be16(off) << 16 | be16(off + 2);
    }

    private long be64(final int off) {
        return (long) be32(off) << 32 | Integer.toUnsignedLong(be32(off + 4));
    }

    /** The address in slot 0 (source) or 1 (destination) of the hashed bytes. */
    private String slotAddress(final int slot) {
        if (ipv4()) {
            return InetText.ipv4(be32(OFF_ADDRS + 4 * slot));
        }
        return InetText.ipv6(be64(OFF_ADDRS + 16 * slot), be64(OFF_ADDRS + 16 * slot + 8));
    }

    private static String hex(final byte[] b, final int from, final int n) {
        final StringBuilder s = new StringBuilder(2 * n);
        for (int i = from; i < from + n; i++) {
            s.append(Character.forDigit((b[i] >>> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return s.toString();
    }
}
