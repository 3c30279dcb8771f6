package io.pktsim.stack.netdev;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.PppoeView;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * A PPPoE session device such as {@code pppoe-wan3}: a PPP unit (drivers/net/ppp/ppp_generic.c, Linux 6.18)
 * on a PPPoE channel (drivers/net/ppp/pppoe.c) over a lower Ethernet device (here a macvlan). MTU 1492
 * (RFC 2516: 1500 − {@code PPPOE_SES_HLEN} 8). Only the session is modelled; discovery is not.
 *
 * <p>Transmit: {@code ppp_start_xmit} pushes the 2-byte PPP protocol, {@code __pppoe_xmit} the 6-byte PPPoE
 * header and {@code dev_hard_header} the Ethernet header (destination the access concentrator's MAC, source
 * the lower device's MAC), then {@code dev_queue_xmit} on the lower device. The transmit path of a PPP unit
 * is serialised by {@code ppp->wlock} ({@code __ppp_xmit_process}): {@link #acquireXmitLock} models it as a
 * lock held for the transmit's CPU time, so concurrent transmits from several CPUs queue behind each other.
 *
 * <p>Receive ({@code pppoe_rcv} → {@code pppoe_rcv_core} → {@code ppp_input} → {@code ppp_receive_nonmp_frame}):
 * the frame is found by {@link PppoeSessions}, the Ethernet and PPPoE headers are pulled, the frame is trimmed
 * to the PPPoE length (removing Ethernet padding), the PPP protocol is pulled and the IP packet is received on
 * this device. In the kernel it then enters the per-CPU backlog through {@code netif_rx}; the caller does that.
 * No GRO for PPPoE in 6.18. Allocation-free.
 */
public final class PppoeDevice extends NetDevice {

    /** The MTU of a PPPoE session device. */
    public static final int PPPOE_MTU = 1492;

    private final int lowerIfindex;
    private final long lowerMac;
    private final EthernetView eth = new EthernetView();
    private final PppoeView pppoe = new PppoeView();
    private int sessionId;
    private long peerMac;
    private long xmitLockFreeNs;
    PppoeDevice nextInBucket;

    /**
     * @param name e.g. {@code pppoe-wan3}
     * @param lowerIfindex the Ethernet device the session runs on
     * @param lowerMac that device's MAC (the source of every session frame)
     * @param sessionId the PPPoE session id
     * @param peerMac the access concentrator's MAC
     */
    public PppoeDevice(final String name, final int lowerIfindex, final long lowerMac, final int sessionId,
        final long peerMac) {
        super(name, PPPOE_MTU, 0);
        this.lowerIfindex = lowerIfindex;
        this.lowerMac = lowerMac;
        this.sessionId = sessionId;
        this.peerMac = peerMac;
    }

    /** @return the PPPoE session id */
    public int sessionId() {
        return sessionId;
    }

    /** @return the access concentrator's MAC */
    public long peerMac() {
        return peerMac;
    }

    /** @return the lower device's interface index */
    public int lowerIfindex() {
        return lowerIfindex;
    }

    /** @return the lower device's MAC */
    public long lowerMac() {
        return lowerMac;
    }

    /**
     * Sets the session (a new one after a redial). Re-register in {@link PppoeSessions} after this.
     *
     * @param id the session id
     * @param peer the access concentrator's MAC
     */
    void session(final int id, final long peer) {
        this.sessionId = id;
        this.peerMac = peer;
    }

    /**
     * Takes the PPP unit's transmit lock ({@code ppp->wlock}) for a transmit that needs {@code holdNs} of CPU.
     * A transmit that finds the lock held waits until it is free (counted in
     * {@link NetDeviceCounter#TX_LOCK_CONTENDED} and {@link NetDeviceCounter#TX_LOCK_WAIT_NS}).
     *
     * @param nowNs when the transmit wants the lock
     * @param holdNs how long it holds it
     * @return when the transmit starts (at least nowNs); the lock is free again at that time plus holdNs
     */
    public long acquireXmitLock(final long nowNs, final long holdNs) {
        long start = nowNs;
        if (xmitLockFreeNs > nowNs) {
            start = xmitLockFreeNs;
            counters().increment(NetDeviceCounter.TX_LOCK_CONTENDED);
            counters().add(NetDeviceCounter.TX_LOCK_WAIT_NS, start - nowNs);
        }
        xmitLockFreeNs = start + holdNs;
        return start;
    }

    /**
     * Encapsulates an IP packet (a raw-IP frame, network header at offset 0) for the session and hands it to
     * the lower device (sets the egress device). Counts {@link NetDeviceCounter#TX_PACKETS} with the IP length,
     * as {@code ppp_start_xmit} does before the PPPoE header is added.
     *
     * @param store the packets
     * @param handle an IPv4 or IPv6 packet starting at its IP header
     * @return false if the device is down ({@link NetDeviceCounter#TX_DROPPED_DOWN}) or the headroom is too
     *     small ({@link NetDeviceCounter#TX_DROPPED_NO_HEADROOM}); the caller frees it then
     */
    public boolean transmit(final PacketStore store, final int handle) {
        if (!isUp()) {
            counters().increment(NetDeviceCounter.TX_DROPPED_DOWN);
            return false;
        }
        final int ipLength = store.length(handle);
        if (!store.push(handle, EthernetView.LENGTH + PppoeView.LENGTH)) {
            counters().increment(NetDeviceCounter.TX_DROPPED_NO_HEADROOM);
            return false;
        }
        final int netType = store.protocol(handle);
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(handle);
        eth.wrap(b, f).addresses(peerMac, lowerMac).ethertype(EthernetView.ETHERTYPE_PPPOE_SESSION);
        pppoe.wrap(b, f + EthernetView.LENGTH).set(sessionId, ipLength,
            netType == EthernetView.ETHERTYPE_IPV6 ? PppoeView.PPP_IPV6 : PppoeView.PPP_IPV4);
        store.clearFlag(handle, PacketStore.FLAG_RAW_IP);
        store.protocol(handle, EthernetView.ETHERTYPE_PPPOE_SESSION);
        store.egressDevice(handle, lowerIfindex);
        countTx(ipLength);
        return true;
    }

    /**
     * Decapsulates a session frame already matched to this device by {@link PppoeSessions#receive}.
     *
     * @param store the packets
     * @param handle an Ethernet frame of this session
     * @param a the buffer's byte array (null off-heap)
     * @param ses the address of the frame's PPPoE header, from {@link FrameBytes#address} with its
     *     {@value PppoeView#LENGTH} bytes checked
     * @return false if the device is down or the frame is short or not IP; the caller frees it then
     */
    boolean receive(final PacketStore store, final int handle, final byte[] a, final long ses) {
        if (!isUp()) {
            counters().increment(NetDeviceCounter.RX_DROPPED_DOWN);
            return false;
        }
        final int len = FrameBytes.getShort(a, ses + PppoeView.LENGTH_OFFSET) & 0xFFFF;
        final int proto = FrameBytes.getShort(a, ses + PppoeView.PPP_PROTOCOL_OFFSET) & 0xFFFF;
        final int netType = proto == PppoeView.PPP_IPV4 ? EthernetView.ETHERTYPE_IPV4
            : proto == PppoeView.PPP_IPV6 ? EthernetView.ETHERTYPE_IPV6 : 0;
        final int afterHeader = store.length(handle) - EthernetView.LENGTH - 6;
        if (afterHeader < len || len < 2 || netType == 0) {
            counters().increment(NetDeviceCounter.RX_DROPPED_MALFORMED);
            return false;
        }
        final int ipLength = len - 2;
        store.decapsulated(handle, EthernetView.LENGTH + PppoeView.LENGTH, ipLength, netType, PacketStore.FLAG_RAW_IP,
            ifindex());
        countRx(ipLength);
        return true;
    }
}
