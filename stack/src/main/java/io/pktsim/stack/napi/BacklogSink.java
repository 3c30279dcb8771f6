package io.pktsim.stack.napi;

/**
 * Where {@code process_backlog()} hands each packet of a CPU's input backlog: {@code __netif_receive_skb()}
 * (net/core/dev.c, Linux 6.18). The callee owns the packet and charges its own cycles.
 */
@FunctionalInterface
public interface BacklogSink {

    /**
     * Receives one packet on a CPU.
     *
     * @param cpu the CPU running the backlog
     * @param packet the packet handle
     * @param nowNs the simulated time, in nanoseconds
     */
    void receive(int cpu, int packet, long nowNs);
}
