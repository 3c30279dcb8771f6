package io.pktsim.stack.netdev;

/**
 * Receives device notifications, the model's netdevice notifier chain ({@code register_netdevice_notifier},
 * net/core/dev.c, Linux 6.18) and inetaddr chain ({@code register_inetaddr_notifier}). Called on the control
 * path (link up/down, redial), never per packet.
 */
@FunctionalInterface
public interface NetDeviceListener {

    /** {@code NETDEV_UP}: the device came up. */
    int NETDEV_UP = 1;
    /** {@code NETDEV_DOWN}: the device went down. */
    int NETDEV_DOWN = 2;
    /** {@code NETDEV_CHANGEADDR} for IPv4: the device's IPv4 address changed (the argument is the old one). */
    int INET_ADDR_DEL = 3;

    /**
     * One notification.
     *
     * @param ifindex the device
     * @param event {@link #NETDEV_UP}, {@link #NETDEV_DOWN} or {@link #INET_ADDR_DEL}
     * @param arg for {@link #INET_ADDR_DEL} the removed IPv4 address, else 0
     * @param nowNs simulated time
     */
    void onDeviceEvent(int ifindex, int event, int arg, long nowNs);
}
