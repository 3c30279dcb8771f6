package io.pktsim.nic.sw;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of an {@link Mt7530Switch}. */
public enum SwitchCounter implements CounterDescriptor {
    /** Frames that entered the switch on any port. */
    RX_FRAMES("rx_frames", "frames received on any port"),
    /** Frames sent to one known port. */
    FORWARDED("forwarded", "frames forwarded to one learned port"),
    /** Frames flooded to every other member of their VLAN. */
    FLOODED("flooded", "frames flooded (unknown unicast, broadcast, multicast)"),
    /** Frames whose egress set included the CPU port. */
    TO_CPU("to_cpu", "frames sent towards the CPU port"),
    /** Frames that came from the CPU port. */
    FROM_CPU("from_cpu", "frames received from the CPU port"),
    /** Frames dropped for VLAN membership (or no member to send to). */
    DROPPED("dropped", "frames dropped: not a member of the VLAN, or nowhere to go"),
    /** Source addresses learned or moved. */
    LEARNED("learned", "source MAC addresses learned or moved"),
    /** 802.1Q tags pushed at egress. */
    TAG_PUSHED("tag_pushed", "802.1Q tags added towards tagged members"),
    /** 802.1Q tags removed at egress. */
    TAG_POPPED("tag_popped", "802.1Q tags removed towards untagged members");

    private final String label;
    private final String description;

    SwitchCounter(final String label, final String description) {
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
