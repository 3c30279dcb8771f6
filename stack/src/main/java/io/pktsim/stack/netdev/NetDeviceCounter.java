package io.pktsim.stack.netdev;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * Per-device counters, the model's {@code struct rtnl_link_stats64} (include/uapi/linux/if_link.h, Linux 6.18)
 * plus the reasons a device drops a frame. Every frame a device is handed ends in exactly one of: passed on
 * (an RX or TX packet counted), or dropped with one of the {@code *_DROPPED_*} reasons.
 */
public enum NetDeviceCounter implements CounterDescriptor {
    /** A frame was received by this device and handed up. */
    RX_PACKETS("rx_packets", "Frames received and passed up by this device."),
    /** Bytes of the frames counted in {@link #RX_PACKETS}, as the device saw them. */
    RX_BYTES("rx_bytes", "Bytes of received frames, as this device saw them."),
    /** A frame was transmitted by this device (handed to the lower device or the wire). */
    TX_PACKETS("tx_packets", "Frames transmitted by this device."),
    /** Bytes of the frames counted in {@link #TX_PACKETS}, with this device's headers. */
    TX_BYTES("tx_bytes", "Bytes of transmitted frames, with this device's headers."),
    /** A received frame was dropped because the device is down. */
    RX_DROPPED_DOWN("rx_dropped_down", "Received frames dropped because the device was down."),
    /** A frame to transmit was dropped because the device is down. */
    TX_DROPPED_DOWN("tx_dropped_down", "Frames to transmit dropped because the device was down."),
    /** A received frame did not carry this device's encapsulation (wrong tag, ethertype, session or length). */
    RX_DROPPED_MALFORMED("rx_dropped_malformed", "Received frames dropped: not this device's encapsulation."),
    /** A received frame matched no upper device (no VLAN with the id, no PPPoE session). */
    RX_DROPPED_NO_UPPER("rx_dropped_no_upper", "Received frames dropped: no upper device or session matched."),
    /** A frame to transmit had too little headroom for this device's header. */
    TX_DROPPED_NO_HEADROOM("tx_dropped_no_headroom", "Frames to transmit dropped: no headroom for the header."),
    /** A broadcast or multicast frame was received (before any per-upper cloning). */
    RX_MULTICAST("multicast", "Broadcast or multicast frames received."),
    /** A broadcast clone for an upper device could not be made: the packet store was full. */
    RX_DROPPED_CLONE_FAILED("rx_dropped_clone_failed", "Broadcast clones dropped: the packet store was full."),
    /** A broadcast was dropped because the deferred broadcast queue was full (macvlan bc_queue_len). */
    RX_DROPPED_BC_QUEUE_FULL("rx_dropped_bc_queue_full", "Broadcasts dropped: the broadcast queue was full."),
    /** A transmit found the device's transmit lock held (PPP {@code ppp->wlock}) and waited. */
    TX_LOCK_CONTENDED("tx_lock_contended", "Transmits that found the transmit lock held and waited."),
    /** Simulated nanoseconds transmits waited for the device's transmit lock. */
    TX_LOCK_WAIT_NS("tx_lock_wait_ns", "Nanoseconds transmits waited for the transmit lock.");

    private final String label;
    private final String description;

    NetDeviceCounter(final String label, final String description) {
        this.label = label;
        this.description = description;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String description() {
        return description;
    }
}
