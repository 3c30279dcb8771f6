package io.pktsim.stack.gro;

/**
 * What {@link GroTable#receive(int, long)} did with a packet: the kernel's {@code enum gro_result}
 * (include/linux/netdevice.h, Linux 6.18), without {@code GRO_CONSUMED} (no tunnel cells are modelled).
 */
public enum GroResult {
    /** Merged into a held packet; the handle is now part of it (chained behind it, see {@link GroConfig}). */
    MERGED,
    /** Merged into a held packet and freed: only its payload length lives on in the aggregate. */
    MERGED_FREE,
    /** Held as a new aggregate in its bucket. */
    HELD,
    /** Delivered alone to the sink ({@code GRO_NORMAL}). */
    NORMAL
}
