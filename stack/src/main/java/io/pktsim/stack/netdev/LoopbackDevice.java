package io.pktsim.stack.netdev;

import io.pktsim.core.packet.PacketStore;

/**
 * The loopback device {@code lo} (drivers/net/loopback.c, Linux 6.18): {@code loopback_xmit} turns every
 * transmitted packet straight into a received one ({@code __netif_rx}) and counts it once in each direction.
 * MTU 65536 ({@code LOOPBACK_MTU}). Allocation-free.
 */
public final class LoopbackDevice extends NetDevice {

    /** {@code LOOPBACK_MTU}. */
    public static final int LOOPBACK_MTU = 65536;

    /** Creates {@code lo}. */
    public LoopbackDevice() {
        super("lo", LOOPBACK_MTU, 0);
    }

    /**
     * Transmits a packet, which is received again on this device; the caller hands it to the backlog.
     *
     * @param store the packets
     * @param handle the packet
     * @return false if the device is down ({@link NetDeviceCounter#TX_DROPPED_DOWN}); the caller frees it then
     */
    public boolean transmit(final PacketStore store, final int handle) {
        if (!isUp()) {
            counters().increment(NetDeviceCounter.TX_DROPPED_DOWN);
            return false;
        }
        final int len = store.length(handle);
        countTx(len);
        store.ingressDevice(handle, ifindex());
        store.egressDevice(handle, -1);
        countRx(len);
        return true;
    }
}
