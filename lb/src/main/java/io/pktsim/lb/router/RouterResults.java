package io.pktsim.lb.router;

import java.util.List;

/**
 * The outcome of one {@link RouterSimulation} run, measured over the window after the warm-up. Plain immutable
 * data in deterministic order (lists in the order documented per field); the same configuration and seed give
 * equal results ({@code equals}). Fractions are 0..1 of the window; rates are bits/s of IP-payload goodput unless
 * a field says otherwise.
 *
 * @param measuredNs           the measurement window, ns
 * @param goodputDownloadBps   application bytes received by LAN hosts, bits/s
 * @param goodputUploadBps     application bytes received by servers, bits/s
 * @param forwardedPackets     IP packets the router forwarded (both directions, after GRO segments counted
 *                             as the packets that left) in the window
 * @param dials                per dial, in dial order (line-major)
 * @param flows                per flow, in flow-id order (workload order, host, connection)
 * @param ports                per physical port (LAN port first, then WAN lines in order)
 * @param cpuThreads           per hardware thread, in CPU-number order
 * @param cpuCores             per core, in core order
 * @param cpuAverage           busy fraction averaged over all hardware threads
 * @param stages               CPU by stage, in {@code CostStage} order then the router's own stages, only
 *                             stages that ran
 * @param softnet              per CPU, in CPU-number order ({@code /proc/net/softnet_stat} columns)
 * @param drops                ring, backlog and qdisc drops and every other counted reason
 * @param conntrack            conntrack counters, in a fixed documented order
 * @param flowtable            software flow offload counters, in a fixed documented order
 * @param ppe                  PPE counters, in a fixed documented order
 * @param gro                  GRO counters, in {@code GroCounter} order
 * @param bottleneck           the limiting resource named in words, e.g. {@code "CPU: napi/mtk_eth-0 on cpu0 at
 *                             100 %"} or {@code "WAN lines: 4 x 100 Mbit/s at 98 %"}
 * @param simulatedEvents      events scheduled on the event loop over the whole run
 * @param dispatchedEvents     events dispatched over the whole run
 * @param multipathHashSeed    ECMP: the {@code fib_multipath_hash_seed} the hash was keyed with (the scenario's, or
 *                             when that is 0 the boot-random value the run drew); -1 without ECMP
 * @param rxQueues             per RX queue (the profile's {@code rxQueues}), in queue order: one entry with one queue
 * @param udp                  UDP sockets' counters, in a fixed documented order; empty when every UDP socket got
 *                             a port (see {@code RouterSimulation}'s {@code udpCounts})
 * @param latency              the forwarding latency of the frames that left the router in the window (from the
 *                             router's port to the CPU port's egress, queues included), from HdrHistograms:
 *                             {@code frames}, {@code p50_ns}, {@code p90_ns}, {@code p99_ns}, {@code p99_9_ns},
 *                             {@code max_ns} of both directions, then {@code down_frames}, {@code down_p50_ns},
 *                             {@code down_p99_ns}, {@code down_max_ns} (to the LAN) and the same {@code up_} (to the
 *                             WAN), a direction's percentiles only when it has frames; empty when none left
 * @param pollBatch            the frames each RX NAPI poll in the window took, from an HdrHistogram: {@code polls},
 *                             {@code frames}, {@code p50}, {@code p90}, {@code p99}, {@code max}; empty with no poll
 * @param occupancy            the queues' occupancy in the window, from HdrHistograms: the RX ring as each arriving
 *                             frame found it ({@code cpu} -1), then each CPU's RPS backlog as each packet handed to it
 *                             found it, in CPU order, only those that were handed packets; empty with neither
 */
public record RouterResults(long measuredNs, long goodputDownloadBps, long goodputUploadBps, long forwardedPackets,
                            List<Dial> dials, List<Flow> flows, List<Port> ports, List<CpuThread> cpuThreads,
                            List<CpuCoreLoad> cpuCores, double cpuAverage, List<Stage> stages, List<Softnet> softnet,
                            Drops drops, List<Count> conntrack, List<Count> flowtable, List<Count> ppe,
                            List<Count> gro, List<Count> tcp, String bottleneck, long simulatedEvents,
                            long dispatchedEvents, long multipathHashSeed, List<Queue> rxQueues, List<Count> udp,
                            List<Count> latency, List<Count> pollBatch, List<Occupancy> occupancy) {

    /** Copies the lists. */
    public RouterResults {
        occupancy = List.copyOf(occupancy);
        latency = List.copyOf(latency);
        pollBatch = List.copyOf(pollBatch);
        udp = List.copyOf(udp);
        rxQueues = List.copyOf(rxQueues);
        dials = List.copyOf(dials);
        flows = List.copyOf(flows);
        ports = List.copyOf(ports);
        cpuThreads = List.copyOf(cpuThreads);
        cpuCores = List.copyOf(cpuCores);
        stages = List.copyOf(stages);
        softnet = List.copyOf(softnet);
        conntrack = List.copyOf(conntrack);
        flowtable = List.copyOf(flowtable);
        ppe = List.copyOf(ppe);
        gro = List.copyOf(gro);
        tcp = List.copyOf(tcp);
    }

    /**
     * @param counts a list of named counters (e.g. {@link #tcp()})
     * @param name   a counter's name
     * @return its value, 0 if the list has no such counter
     */
    public static long count(final List<Count> counts, final String name) {
        for (final Count c : counts) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return 0;
    }

    /** @return download plus upload goodput, bits/s */
    public long goodputBps() {
        return goodputDownloadBps + goodputUploadBps;
    }

    /**
     * A named counter value.
     *
     * @param name  the counter's kernel-style name, e.g. {@code insert_failed}
     * @param value its value over the window
     */
    public record Count(String name, long value) {
    }

    /**
     * One dial.
     *
     * @param name        the dial device, e.g. {@code pppoe-wan3}
     * @param line        the line (VLAN) it rides on, 0-based
     * @param downloadBps goodput of flows through it, download, bits/s
     * @param uploadBps   goodput of flows through it, upload, bits/s
     * @param flows       flows whose packets left through it (the last dial a flow used)
     */
    public record Dial(String name, int line, long downloadBps, long uploadBps, int flows) {
    }

    /**
     * One flow (a TCP connection or a UDP flow). Ids from the workload's flow count on are the connections the
     * applications opened again, in the order they were opened.
     *
     * @param id          flow id (workload order)
     * @param app         index of its app in the workload
     * @param host        LAN host index
     * @param server      server index
     * @param udp         true for UDP
     * @param direction   {@code DOWNLOAD} or {@code UPLOAD}
     * @param dial        the dial its last packet used, or -1 if none left the router
     * @param goodputBps  application bytes delivered in the window, bits/s
     * @param deliveredBytes application bytes delivered in the window
     * @param sourcePort  the LAN host's source port (its stack's ephemeral port; see {@code EphemeralPorts})
     * @param reconnectOf the flow whose connection this one was opened in place of (after a reset or the
     *                    application's idle timeout), or -1 for a flow of the workload
     * @param closedBy    how the connection ended before the run's end: {@code reset}, {@code idle_timeout},
     *                    {@code connect_timeout} or {@code etimedout}; null while open
     * @param openError   null for a flow that opened; for one that never did, because its host had no free source
     *                    port: {@code EADDRNOTAVAIL} (TCP, {@code connect()}) or {@code EAGAIN} (UDP, the
     *                    automatic bind of its first send). Such a flow has source port -1 and carries nothing
     * @param gaveUp      true on a connection that ended as its application's last try: the application reached its
     *                    limit on failed tries ({@link RouterConfig.App#maxTries}) and opened none in its place
     */
    public record Flow(int id, int app, int host, int server, boolean udp, RouterConfig.Direction direction,
                       int dial, long goodputBps, long deliveredBytes, int sourcePort, int reconnectOf,
                       String closedBy, String openError, boolean gaveUp) {
        /** A flow of the workload that is still open. */
        public Flow(final int id, final int app, final int host, final int server, final boolean udp,
                final RouterConfig.Direction direction, final int dial, final long goodputBps,
                final long deliveredBytes, final int sourcePort) {
            this(id, app, host, server, udp, direction, dial, goodputBps, deliveredBytes, sourcePort, -1, null,
                    null, false);
        }
    }

    /**
     * One physical port.
     *
     * @param name          e.g. {@code lan}, {@code wan0}
     * @param rateBps       its line rate, bits/s
     * @param rxUtilization fraction of the window the wire towards the router was busy
     * @param txUtilization fraction of the window the wire away from the router was busy
     */
    public record Port(String name, long rateBps, double rxUtilization, double txUtilization) {
    }

    /**
     * One hardware thread (CPU).
     *
     * @param cpu       CPU number
     * @param core      its core
     * @param busy      busy fraction (all contexts)
     * @param hardIrq   fraction in hard-IRQ context
     * @param softirq   fraction in softirq work, as {@code /proc/stat}'s softirq column counts it: inline after an
     *                  IRQ, or in {@code ksoftirqd} ({@code account_system_time}, kernel/sched/cputime.c, 6.18: a
     *                  tick with {@code in_serving_softirq()} is {@code CPUTIME_SOFTIRQ}, whichever task runs)
     * @param thread    fraction in kernel threads that run no softirq (threaded NAPI's {@code napi/<dev>-<id>})
     * @param ksoftirqd the part of {@code softirq} that the CPU's {@code ksoftirqd} ran, after
     *                  {@code handle_softirqs} gave up its restarts (what {@code top} lists as {@code ksoftirqd/N})
     */
    public record CpuThread(int cpu, int core, double busy, double hardIrq, double softirq, double thread,
            double ksoftirqd) {
    }

    /**
     * One core.
     *
     * @param core core number
     * @param busy busy fraction averaged over its hardware threads
     */
    public record CpuCoreLoad(int core, double busy) {
    }

    /**
     * CPU spent in one stage.
     *
     * @param name     the stage, e.g. {@code driver_rx}, {@code conntrack}
     * @param cycles   cycles charged in the window, all CPUs
     * @param fraction share of all hardware threads' capacity in the window
     */
    public record Stage(String name, long cycles, double fraction) {
    }

    /**
     * One CPU's softnet counters ({@code /proc/net/softnet_stat}).
     *
     * @param cpu         CPU number
     * @param processed   packets processed
     * @param dropped     backlog drops
     * @param timeSqueeze net_rx_action runs ended by the budget or the time limit
     * @param receivedRps RPS IPIs it received ({@code received_rps}, column 10: sent only when its backlog's NAPI was
     *                    not scheduled)
     */
    public record Softnet(int cpu, long processed, long dropped, long timeSqueeze, long receivedRps) {
    }

    /**
     * One queue's occupancy over the window: what each arrival found in it.
     *
     * @param cpu     the CPU whose RPS backlog it is ({@code enqueue_to_backlog()}), or -1 for the RX ring (with
     *                several RX queues, each frame's own)
     * @param samples the arrivals: frames that came to the ring, or packets handed to the backlog, drops included
     * @param p50     the median of the entries an arrival found waiting there (packets, frames in the ring)
     * @param p90     the 90th percentile
     * @param p99     the 99th percentile
     * @param max     the most any arrival found
     * @param full    the arrivals that found it full (the ring's {@code rxRingSlots}, the backlog's
     *                {@code netdev_max_backlog}): each was dropped
     */
    public record Occupancy(int cpu, long samples, long p50, long p90, long p99, long max, long full) {
    }

    /**
     * One RX queue (an mlx5 channel) over the window.
     *
     * @param queue     the queue's index (ethtool's {@code rx-N})
     * @param cpu       the CPU its interrupt is affine to, where its hard IRQ and NAPI poll run
     * @param packets   frames its NAPI polled off its ring
     * @param irqs      its hard interrupts
     * @param polls     its NAPI polls
     * @param ringDrops frames dropped because its ring was full
     */
    public record Queue(int queue, int cpu, long packets, long irqs, long polls, long ringDrops) {
    }

    /**
     * Drops.
     *
     * @param ring     RX ring full (NIC, all rings)
     * @param backlog  per-CPU backlog full
     * @param qdisc    qdisc drops (all egress devices)
     * @param byReason every counted drop reason, including the three above, in a fixed order
     */
    public record Drops(long ring, long backlog, long qdisc, List<Count> byReason) {
        /** Copies the list. */
        public Drops {
            byReason = List.copyOf(byReason);
        }
    }
}
