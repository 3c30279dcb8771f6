package io.pktsim.stack.napi;

/**
 * A driver's NAPI poll callback ({@code napi->poll}, include/linux/netdevice.h, Linux 6.18). The contract of
 * Documentation/networking/napi.rst: process at most {@code budget} RX frames (TX completions are not
 * bounded); if work remains return exactly {@code budget}; otherwise call
 * {@link NapiInstance#napiCompleteDone(int, long)} and re-enable the interrupt only if it returns true.
 */
@FunctionalInterface
public interface NapiPoll {

    /**
     * Polls.
     *
     * @param napi the instance being polled
     * @param budget the most RX frames to process (the instance's weight)
     * @param nowNs the simulated time, in nanoseconds
     * @return the RX frames processed, from 0 to budget
     */
    int poll(NapiInstance napi, int budget, long nowNs);
}
