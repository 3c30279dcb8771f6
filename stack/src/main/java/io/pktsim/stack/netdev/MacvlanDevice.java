package io.pktsim.stack.netdev;

import io.pktsim.core.packet.PacketStore;

/**
 * One macvlan device ({@code struct macvlan_dev}, drivers/net/macvlan.c, Linux 6.18): its own MAC address on
 * a lower device, e.g. {@code veth3} on {@code eth0.2}, one per PPPoE dial. Frames reach it through the lower
 * device's {@link MacvlanPort}; transmit ({@code macvlan_start_xmit} in the default VEPA mode) hands the frame
 * to the lower device unchanged. Allocation-free.
 */
public final class MacvlanDevice extends NetDevice {

    private final int lowerIfindex;
    MacvlanDevice nextInBucket;

    /**
     * @param name e.g. {@code veth3}
     * @param lowerIfindex the lower device
     * @param mac this device's own MAC (48 bits)
     */
    public MacvlanDevice(final String name, final int lowerIfindex, final long mac) {
        super(name, 1500, mac);
        this.lowerIfindex = lowerIfindex;
    }

    /** @return the lower device's interface index */
    public int lowerIfindex() {
        return lowerIfindex;
    }

    /**
     * Transmits a frame through the lower device ({@code macvlan_queue_xmit} → {@code dev_queue_xmit} on the
     * lower device): sets the egress device, counts {@link NetDeviceCounter#TX_PACKETS}.
     *
     * @param store the packets
     * @param handle an Ethernet frame
     * @return false if the device is down ({@link NetDeviceCounter#TX_DROPPED_DOWN}); the caller frees it then
     */
    public boolean transmit(final PacketStore store, final int handle) {
        if (!isUp()) {
            counters().increment(NetDeviceCounter.TX_DROPPED_DOWN);
            return false;
        }
        countTx(store.sentTo(handle, lowerIfindex));
        return true;
    }

    void received(final PacketStore store, final int handle) {
        countRx(store.receivedOn(handle, ifindex()));
    }
}
