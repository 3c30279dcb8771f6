package io.pktsim.stack.netdev;

import java.util.ArrayList;
import java.util.List;

/**
 * The devices of one simulated host by interface index, and the notifier chains: {@code dev_open} /
 * {@code dev_close} (net/core/dev.c, Linux 6.18) raise {@code NETDEV_UP} / {@code NETDEV_DOWN}, and removing
 * an IPv4 address raises the inetaddr {@code NETDEV_DOWN} that {@code masq_inet_event}
 * (net/netfilter/nf_nat_masquerade.c) listens to. Control path only: registering and state changes may
 * allocate; lookups by index do not.
 */
public final class NetDeviceTable {

    private final List<NetDevice> devices = new ArrayList<>();
    private final List<NetDeviceListener> listeners = new ArrayList<>();

    /**
     * Registers a device ({@code register_netdevice}); it starts down.
     *
     * @param device the device
     * @return its interface index (1, 2, ...; 0 is never used, as in Linux)
     */
    public int register(final NetDevice device) {
        if (device.ifindex() >= 0) {
            throw new IllegalStateException("NetDeviceTable: " + device.name() + " is already registered");
        }
        devices.add(device);
        device.ifindex(devices.size());
        return devices.size();
    }

    /**
     * @param ifindex an interface index
     * @return the device, or null if none has that index
     */
    public NetDevice get(final int ifindex) {
        return ifindex >= 1 && ifindex <= devices.size() ? devices.get(ifindex - 1) : null;
    }

    /** @return the number of registered devices */
    public int size() {
        return devices.size();
    }

    /**
     * Adds a notifier.
     *
     * @param listener called on every device event, in registration order
     */
    public void addListener(final NetDeviceListener listener) {
        listeners.add(listener);
    }

    private NetDevice require(final int ifindex) {
        final NetDevice d = get(ifindex);
        if (d == null) {
            throw new IllegalArgumentException("NetDeviceTable: no device with ifindex " + ifindex);
        }
        return d;
    }

    /**
     * Brings a device up ({@code dev_open}); a no-op if it is up.
     *
     * @param ifindex the device
     * @param nowNs simulated time
     */
    public void up(final int ifindex, final long nowNs) {
        final NetDevice d = require(ifindex);
        if (!d.isUp()) {
            d.up(true);
            notifyAll(ifindex, NetDeviceListener.NETDEV_UP, 0, nowNs);
        }
    }

    /**
     * Takes a device down ({@code dev_close}); a no-op if it is down.
     *
     * @param ifindex the device
     * @param nowNs simulated time
     */
    public void down(final int ifindex, final long nowNs) {
        final NetDevice d = require(ifindex);
        if (d.isUp()) {
            d.up(false);
            notifyAll(ifindex, NetDeviceListener.NETDEV_DOWN, 0, nowNs);
        }
    }

    /**
     * Sets a device's IPv4 address; replacing an address raises {@link NetDeviceListener#INET_ADDR_DEL} for
     * the old one first ({@code inet_del_ifa}).
     *
     * @param ifindex the device
     * @param address the new address, 0 to remove
     * @param nowNs simulated time
     */
    public void ipv4Address(final int ifindex, final int address, final long nowNs) {
        final NetDevice d = require(ifindex);
        final int old = d.ipv4Address();
        if (old == address) {
            return;
        }
        d.ipv4Address(address);
        if (old != 0) {
            notifyAll(ifindex, NetDeviceListener.INET_ADDR_DEL, old, nowNs);
        }
    }

    /**
     * A PPPoE redial: the session drops (device down, its address removed) and comes back with a new session
     * id and a new address (device up), as pppd does on a reconnect.
     *
     * @param pppoe the dial
     * @param newSessionId the new PPPoE session id
     * @param newAddress the new IPv4 address
     * @param nowNs simulated time
     */
    public void redial(final PppoeDevice pppoe, final int newSessionId, final int newAddress, final long nowNs) {
        down(pppoe.ifindex(), nowNs);
        ipv4Address(pppoe.ifindex(), 0, nowNs);
        pppoe.session(newSessionId, pppoe.peerMac());
        ipv4Address(pppoe.ifindex(), newAddress, nowNs);
        up(pppoe.ifindex(), nowNs);
    }

    private void notifyAll(final int ifindex, final int event, final int arg, final long nowNs) {
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).onDeviceEvent(ifindex, event, arg, nowNs);
        }
    }
}
