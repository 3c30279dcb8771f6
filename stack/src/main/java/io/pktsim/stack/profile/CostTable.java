package io.pktsim.stack.profile;

import io.pktsim.stack.napi.SoftnetCosts;

/**
 * A device profile's cost table: for each {@link CostStage}, cycles per event, per packet and per byte (the
 * latter in thousandths of a cycle, so that {@code 0.5} cycle per byte is exact). Unset stages cost nothing.
 * Immutable once {@link #freeze()}d; read on the hot path as plain array loads.
 */
public final class CostTable {

    private static final int N = CostStage.values().length;

    private final long[] perEvent = new long[N];
    private final long[] perPacket = new long[N];
    private final long[] perByteMilli = new long[N];
    private boolean frozen;

    /**
     * Sets one stage's costs.
     *
     * @param stage the stage
     * @param eventCycles cycles per event (interrupt, poll, run), at least 0
     * @param packetCycles cycles per packet, at least 0
     * @param byteMilliCycles thousandths of a cycle per byte, at least 0
     * @return this
     */
    public CostTable set(final CostStage stage, final long eventCycles, final long packetCycles,
        final long byteMilliCycles) {
        if (frozen) {
            throw new IllegalStateException("CostTable: frozen; cannot change " + stage.label());
        }
        if (eventCycles < 0 || packetCycles < 0 || byteMilliCycles < 0) {
            throw new IllegalArgumentException("CostTable: " + stage.label() + " has a negative cost (" + eventCycles
                + ", " + packetCycles + ", " + byteMilliCycles + ")");
        }
        final int i = stage.ordinal();
        perEvent[i] = eventCycles;
        perPacket[i] = packetCycles;
        perByteMilli[i] = byteMilliCycles;
        return this;
    }

    /**
     * A table with this one's costs that can be changed (not frozen, whether this one is or not): a profile whose
     * table differs from another's in a few stages.
     *
     * @return the copy
     */
    public CostTable copy() {
        final CostTable c = new CostTable();
        System.arraycopy(perEvent, 0, c.perEvent, 0, N);
        System.arraycopy(perPacket, 0, c.perPacket, 0, N);
        System.arraycopy(perByteMilli, 0, c.perByteMilli, 0, N);
        return c;
    }

    /**
     * Makes the table immutable.
     *
     * @return this
     */
    public CostTable freeze() {
        frozen = true;
        return this;
    }

    /**
     * @param stage the stage
     * @return cycles per event
     */
    public long perEvent(final CostStage stage) {
        return perEvent[stage.ordinal()];
    }

    /**
     * @param stage the stage
     * @return cycles per packet
     */
    public long perPacket(final CostStage stage) {
        return perPacket[stage.ordinal()];
    }

    /**
     * @param stage the stage
     * @return thousandths of a cycle per byte
     */
    public long perByteMilli(final CostStage stage) {
        return perByteMilli[stage.ordinal()];
    }

    /**
     * The cycles of one packet of a length in a stage (per-packet plus per-byte, rounded down; no per-event
     * part).
     *
     * @param stage the stage
     * @param bytes the packet's length, in bytes
     * @return cycles
     */
    public long packetCycles(final CostStage stage, final int bytes) {
        final int i = stage.ordinal();
        return perPacket[i] + perByteMilli[i] * bytes / 1000;
    }

    /**
     * The cycles of an event that handles several packets of one length in a stage.
     *
     * @param stage the stage
     * @param packets packets handled
     * @param bytes the bytes of all of them
     * @return cycles
     */
    public long cycles(final CostStage stage, final int packets, final long bytes) {
        final int i = stage.ordinal();
        return perEvent[i] + perPacket[i] * packets + perByteMilli[i] * bytes / 1000;
    }

    /**
     * The softnet machinery's own costs from this table: {@code net_rx_action}, {@code napi_poll}, {@code ipi},
     * {@code hrtimer} per event and {@code backlog} per packet.
     *
     * @return new costs
     */
    public SoftnetCosts softnetCosts() {
        return new SoftnetCosts().netRxActionCycles(perEvent(CostStage.NET_RX_ACTION))
            .napiPollCycles(perEvent(CostStage.NAPI_POLL)).ipiCycles(perEvent(CostStage.IPI))
            .hrtimerCycles(perEvent(CostStage.HRTIMER)).backlogPacketCycles(perPacket(CostStage.BACKLOG));
    }
}
