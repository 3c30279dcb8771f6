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
        final int src = v6 ? fold(conntrack, ctEntry, dir, true) : conntrack.tupleSrc(ctEntry, dir);
        final int dst = v6 ? fold(conntrack, ctEntry, dir, false) : conntrack.tupleDst(ctEntry, dir);
        final boolean known = outIfindex >= 0 && outIfindex < frameEnginePort.length;
        return ppe.offloadReplace(src, dst, conntrack.tuplePorts(ctEntry, dir), conntrack.protocol(ctEntry), v6, nat,
            known ? vlanPushes[outIfindex] : 0, known && frameEnginePort[outIfindex]);
    }

    private static int fold(final ConntrackTable ct, final int e, final int dir, final boolean source) {
        return ct.tupleAddressWord(e, dir, source, 0) ^ ct.tupleAddressWord(e, dir, source, 1)
            ^ ct.tupleAddressWord(e, dir, source, 2) ^ ct.tupleAddressWord(e, dir, source, 3);
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
