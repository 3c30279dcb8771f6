package io.pktsim.cli.ecmp;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeFlowTable;

/**
 * {@code pktsim ecmp --skb-hash ppe}: the FOE entry and the {@code skb->hash} a Phicomm K2P (MT7621) under Linux
 * 6.18 gives a received frame of a flow row. The frame engine hashes the tuple ({@code mtk_ppe_hash_entry()},
 * drivers/net/ethernet/mediatek/mtk_ppe.c; for IPv6 the address words folded into three words), the frame
 * reaches the CPU with the entry index in its RX descriptor, and {@code mtk_poll_rx()}
 * (drivers/net/ethernet/mediatek/mtk_eth_soc.c) sets {@code skb_set_hash(skb, jhash_1word(foe, 0),
 * PKT_HASH_TYPE_L4)}. The entry is the one the flow gets in a table no other flow shares
 * ({@link PpeFlowTable#idleTableIndex}: the first way of its bucket that is not a static 1 KiB-boundary entry).
 * Only TCP and UDP rows get an entry.
 *
 * <p>Not a hot path.
 */
final class PpeRx {

    /** Entry value meaning "no FOE entry, no skb->hash". */
    static final int NO_ENTRY = -1;

    private final PpeFlowTable table = new PpeFlowTable(PpeConfig.mt7621());
    private final boolean ipv6;

    /**
     * @param family {@link FlowKey#FAMILY_IPV4} or {@link FlowKey#FAMILY_IPV6}
     */
    PpeRx(final int family) {
        this.ipv6 = family == FlowKey.FAMILY_IPV6;
    }

    /**
     * @param proto the row's IP protocol
     * @return whether the PPE makes an entry for the protocol (TCP, UDP)
     */
    static boolean hasEntry(final int proto) {
        return proto == FlowKey.PROTO_TCP || proto == FlowKey.PROTO_UDP;
    }

    /**
     * @param f a parsed row
     * @return the FOE entry index of its frames, or {@link #NO_ENTRY}
     */
    int foe(final EcmpCommand.Flow f) {
        if (!hasEntry(f.proto())) {
            return NO_ENTRY;
        }
        final int foe = table.idleTableIndex(hv3(f), hv2(f), hv1(f));
        return foe < 0 ? NO_ENTRY : foe;
    }

    /**
     * @param f a parsed row
     * @return the first entry of its bucket, {@code mtk_ppe_hash_entry()}
     */
    int bucket(final EcmpCommand.Flow f) {
        return table.hash(hv3(f), hv2(f), hv1(f));
    }

    /** The row's ports as the hash takes them: source port high 16 bits, destination port low 16. */
    private static int ports(final EcmpCommand.Flow f) {
        return f.sport() << 16 | f.dport();
    }

    /** {@code hv3}: the IPv4 source, or the IPv6 fold {@code src[0] ^ src[1] ^ dst[1]}. */
    int hv3(final EcmpCommand.Flow f) {
        if (!ipv6) {
            return f.src();
        }
        return PpeFlowTable.ipv6Src(high(f.srcHi()), low(f.srcHi()), low(f.dstHi()));
    }

    /** {@code hv2}: the IPv4 destination, or the IPv6 fold {@code dst[0] ^ src[2] ^ dst[2]}. */
    int hv2(final EcmpCommand.Flow f) {
        if (!ipv6) {
            return f.dst();
        }
        return PpeFlowTable.ipv6Dst(high(f.dstHi()), high(f.srcLo()), high(f.dstLo()));
    }

    /** {@code hv1}: the IPv4 ports, or the IPv6 fold {@code src[3] ^ dst[3] ^ ports}. */
    int hv1(final EcmpCommand.Flow f) {
        if (!ipv6) {
            return ports(f);
        }
        return PpeFlowTable.ipv6Ports(low(f.srcLo()), low(f.dstLo()), ports(f));
    }

    private static int high(final long half) {
        return (int) (half >>> 32);
    }

    private static int low(final long half) {
        return (int) half;
    }
}
