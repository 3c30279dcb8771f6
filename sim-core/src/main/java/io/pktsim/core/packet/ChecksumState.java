package io.pktsim.core.packet;

/**
 * The checksum state of a packet: {@code skb->ip_summed} (include/linux/skbuff.h, Linux 6.18).
 */
public enum ChecksumState {
    /** {@code CHECKSUM_NONE}: nothing verified; software must check the L4 checksum. */
    NONE,
    /** {@code CHECKSUM_UNNECESSARY}: the device verified the L4 checksum ({@code csum_level} + 1 levels). */
    UNNECESSARY,
    /** {@code CHECKSUM_COMPLETE}: the device gave the ones' complement sum of the packet in {@code skb->csum}. */
    COMPLETE,
    /** {@code CHECKSUM_PARTIAL}: locally generated; the checksum is to be completed by the device or GSO. */
    PARTIAL;

    private static final ChecksumState[] VALUES = values();

    /**
     * The state of an ordinal.
     *
     * @param ordinal 0..3
     * @return the state
     */
    public static ChecksumState of(final int ordinal) {
        return VALUES[ordinal];
    }
}
