package io.pktsim.stack.napi;

/**
 * The cycles the softnet machinery itself charges (the driver and the stack charge theirs): per
 * {@code net_rx_action()} run, per {@code napi_poll()} call, per RPS IPI received, per hrtimer expiry, per
 * backlog packet dequeued. All default to 0 (a model that charges only driver and stack costs). Filled from a
 * device profile's cost table. Build time only.
 */
public final class SoftnetCosts {

    private long netRxActionCycles;
    private long napiPollCycles;
    private long ipiCycles;
    private long hrtimerCycles;
    private long backlogPacketCycles;

    /** @return cycles per {@code net_rx_action()} run */
    public long netRxActionCycles() {
        return netRxActionCycles;
    }

    /**
     * @param cycles per {@code net_rx_action()} run
     * @return this
     */
    public SoftnetCosts netRxActionCycles(final long cycles) {
        this.netRxActionCycles = check(cycles);
        return this;
    }

    /** @return cycles per {@code napi_poll()} call (the poll's fixed overhead) */
    public long napiPollCycles() {
        return napiPollCycles;
    }

    /**
     * @param cycles per {@code napi_poll()} call
     * @return this
     */
    public SoftnetCosts napiPollCycles(final long cycles) {
        this.napiPollCycles = check(cycles);
        return this;
    }

    /** @return cycles per RPS IPI taken by the target CPU */
    public long ipiCycles() {
        return ipiCycles;
    }

    /**
     * @param cycles per RPS IPI taken
     * @return this
     */
    public SoftnetCosts ipiCycles(final long cycles) {
        this.ipiCycles = check(cycles);
        return this;
    }

    /** @return cycles per {@code gro_flush_timeout} hrtimer expiry */
    public long hrtimerCycles() {
        return hrtimerCycles;
    }

    /**
     * @param cycles per hrtimer expiry
     * @return this
     */
    public SoftnetCosts hrtimerCycles(final long cycles) {
        this.hrtimerCycles = check(cycles);
        return this;
    }

    /** @return cycles per packet {@code process_backlog()} dequeues */
    public long backlogPacketCycles() {
        return backlogPacketCycles;
    }

    /**
     * @param cycles per backlog packet
     * @return this
     */
    public SoftnetCosts backlogPacketCycles(final long cycles) {
        this.backlogPacketCycles = check(cycles);
        return this;
    }

    private static long check(final long cycles) {
        if (cycles < 0) {
            throw new IllegalArgumentException("SoftnetCosts: " + cycles + " cycles is negative");
        }
        return cycles;
    }
}
