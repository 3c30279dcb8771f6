package io.pktsim.stack.netdev;

import io.pktsim.core.counter.Counters;

/**
 * What every modelled device has, the part of {@code struct net_device} (include/linux/netdevice.h,
 * Linux 6.18) the forwarding path reads: an index, a name, an MTU, a MAC address, an IPv4 address (for
 * masquerade), the {@code IFF_UP} state and the link statistics. Device types extend it with their receive
 * and transmit functions; the state changes go through {@link NetDeviceTable} so that listeners hear them.
 */
public abstract class NetDevice {

    private final String name;
    private final Counters<NetDeviceCounter> counters = new Counters<>(NetDeviceCounter.class);
    /**
     * {@link NetDeviceCounter#RX_PACKETS}, {@code RX_BYTES}, {@code TX_PACKETS} and {@code TX_BYTES}, which every frame
     * moves, as fields of the device ({@link #countRx}, {@link #countTx}; {@link #counters()} copies them into the
     * counters): the device's own line rather than its counters' array.
     */
    private long rxPackets;
    private long rxBytes;
    private long txPackets;
    private long txBytes;
    private int ifindex = -1;
    private int mtuBytes;
    private long mac;
    private int ipv4Address;
    private boolean up;

    /**
     * @param name the interface name, e.g. {@code eth0.2}
     * @param mtuBytes the MTU in bytes (L3 payload of one frame)
     * @param mac the MAC address as a 48-bit value (0 for devices without one)
     */
    protected NetDevice(final String name, final int mtuBytes, final long mac) {
        if (mtuBytes < 68) {
            throw new IllegalArgumentException("NetDevice " + name + ": MTU " + mtuBytes + " bytes is below 68");
        }
        this.name = name;
        this.mtuBytes = mtuBytes;
        this.mac = mac;
    }

    /** @return the interface index, -1 until registered in a {@link NetDeviceTable} */
    public final int ifindex() {
        return ifindex;
    }

    final void ifindex(final int index) {
        this.ifindex = index;
    }

    /** @return the interface name */
    public final String name() {
        return name;
    }

    /** @return the MTU in bytes */
    public final int mtuBytes() {
        return mtuBytes;
    }

    /**
     * Sets the MTU ({@code dev_set_mtu}).
     *
     * @param bytes the MTU in bytes
     */
    public final void mtuBytes(final int bytes) {
        this.mtuBytes = bytes;
    }

    /** @return the MAC address (48 bits) */
    public final long mac() {
        return mac;
    }

    /** @return the device's primary IPv4 address, 0 if none */
    public final int ipv4Address() {
        return ipv4Address;
    }

    final void ipv4Address(final int address) {
        this.ipv4Address = address;
    }

    /** @return whether the device is up ({@code IFF_UP}) */
    public final boolean isUp() {
        return up;
    }

    final void up(final boolean state) {
        this.up = state;
    }

    /** @return the device's counters, as of this call */
    public final Counters<NetDeviceCounter> counters() {
        counters.set(NetDeviceCounter.RX_PACKETS, rxPackets);
        counters.set(NetDeviceCounter.RX_BYTES, rxBytes);
        counters.set(NetDeviceCounter.TX_PACKETS, txPackets);
        counters.set(NetDeviceCounter.TX_BYTES, txBytes);
        return counters;
    }

    /**
     * Counts a received frame.
     *
     * @param bytes its length
     */
    protected final void countRx(final int bytes) {
        rxPackets++;
        rxBytes += bytes;
    }

    /**
     * Counts a transmitted frame.
     *
     * @param bytes its length
     */
    protected final void countTx(final int bytes) {
        txPackets++;
        txBytes += bytes;
    }

    @Override
    public String toString() {
        return name + "(ifindex " + ifindex + ", mtu " + mtuBytes + (up ? ", up)" : ", down)");
    }
}
