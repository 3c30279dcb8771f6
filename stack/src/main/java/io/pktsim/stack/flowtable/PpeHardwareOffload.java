package io.pktsim.stack.flowtable;

import io.pktsim.nic.ppe.PpeFlowTable;
import io.pktsim.stack.conntrack.ConntrackTable;

/**
 * Connects a {@link FlowTable} to the MT7621 PPE as {@code mtk_flow_offload_replace} /
 * {@code mtk_flow_offload_destroy} / {@code mtk_flow_offload_stats} (drivers/net/ethernet/mediatek/
 * mtk_ppe_offload.c, Linux 6.18) do: one PPE flow per direction, keyed by the tuple the packet carries when it
 * enters the frame engine (the direction's conntrack tuple), with NAT when the connection is masqueraded. What
 * the forward path of each egress device looks like (how many VLAN tags it pushes, whether it ends on a GMAC or
 * a DSA port of the frame engine) is told per device with {@link #path}: a device whose path ends on a macvlan
 * is not a frame-engine port, so the directions leaving by it are refused and never bind.
 */
public final class PpeHardwareOffload implements HardwareOffload {

    private final PpeFlowTable ppe;
    private final int[] vlanPushes;
    private final boolean[] frameEnginePort;

    /**
     * @param ppe the PPE
     * @param maxIfindex the largest interface index that may be an egress
     */
    public PpeHardwareOffload(final PpeFlowTable ppe, final int maxIfindex) {
        this.ppe = ppe;
        this.vlanPushes = new int[maxIfindex + 1];
        this.frameEnginePort = new boolean[maxIfindex + 1];
    }

    /**
     * Describes the forward path of an egress device ({@code dev_fill_forward_path}).
     *
     * @param ifindex the device
     * @param vlans 802.1Q tags the path pushes
     * @param endsOnFrameEnginePort whether the path ends on a GMAC or a DSA port of the frame engine (false
     *     when a macvlan is on the way)
     */
    public void path(final int ifindex, final int vlans, final boolean endsOnFrameEnginePort) {
        vlanPushes[ifindex] = vlans;
        frameEnginePort[ifindex] = endsOnFrameEnginePort;
    }

    @Override
    public int replace(final ConntrackTable conntrack, final int ctEntry, final int dir, final int outIfindex) {
        final boolean v6 = conntrack.family(ctEntry) == 6;
        final boolean nat = (conntrack.status(ctEntry) & ConntrackTable.IPS_SRC_NAT) != 0;
        final int ports = conntrack.tuplePorts(ctEntry, dir);
        final int src;
        final int dst;
        final int key;
        if (v6) {
            // mtk_foe_entry_set_ipv6_tuple: the address words in host order; the entry hashes as their folds
            src = PpeFlowTable.ipv6Src(word(conntrack, ctEntry, dir, true, 0), word(conntrack, ctEntry, dir, true, 1),
                word(conntrack, ctEntry, dir, false, 1));
            dst = PpeFlowTable.ipv6Dst(word(conntrack, ctEntry, dir, false, 0), word(conntrack, ctEntry, dir, true, 2),
                word(conntrack, ctEntry, dir, false, 2));
            key = PpeFlowTable.ipv6Ports(word(conntrack, ctEntry, dir, true, 3),
                word(conntrack, ctEntry, dir, false, 3), ports);
        } else {
            src = conntrack.tupleSrc(ctEntry, dir);
            dst = conntrack.tupleDst(ctEntry, dir);
            key = ports;
        }
        final boolean known = outIfindex >= 0 && outIfindex < frameEnginePort.length;
        return ppe.offloadReplace(src, dst, key, conntrack.protocol(ctEntry), v6, nat,
            known ? vlanPushes[outIfindex] : 0, known && frameEnginePort[outIfindex]);
    }

    private static int word(final ConntrackTable ct, final int e, final int dir, final boolean source, final int w) {
        return ct.tupleAddressWord(e, dir, source, w);
    }

    @Override
    public void destroy(final int hwId) {
        ppe.offloadDestroy(hwId);
    }

    @Override
    public long idleNs(final int hwId, final long nowNs) {
        return ppe.idleNs(hwId, nowNs);
    }
}
