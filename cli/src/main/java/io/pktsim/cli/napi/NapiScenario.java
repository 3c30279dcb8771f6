package io.pktsim.cli.napi;

import io.pktsim.core.cpu.CpuStages;
import io.pktsim.core.cpu.CpuThreadCounter;
import io.pktsim.core.cpu.CpuTopology;
import io.pktsim.core.cpu.CpuUtilization;
import io.pktsim.core.cpu.HardIrqHandler;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.nic.irq.IrqHandler;
import io.pktsim.nic.link.LinkDirection;
import io.pktsim.nic.port.NicPort;
import io.pktsim.nic.port.NicPortConfig;
import io.pktsim.nic.port.PortCounter;
import io.pktsim.nic.port.RxQueue;
import io.pktsim.nic.ring.RxFrameHandler;
import io.pktsim.nic.trace.NicTrace;
import io.pktsim.stack.driver.DriverCounter;
import io.pktsim.stack.driver.GroTraceBridge;
import io.pktsim.stack.driver.PacketPath;
import io.pktsim.stack.driver.PathCounter;
import io.pktsim.stack.driver.RxQueueDriver;
import io.pktsim.stack.driver.TxNapiDriver;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroCounter;
import io.pktsim.stack.gro.GroTable;
import io.pktsim.stack.napi.NapiCounter;
import io.pktsim.stack.napi.NapiKnobs;
import io.pktsim.stack.napi.Softnet;
import io.pktsim.stack.napi.SoftnetCounter;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * A small built-in NAPI scenario: a traffic source sends UDP packets of one size at a constant rate over a
 * link into one NIC port (its RX queues' interrupts all on CPU 0), whose driver polls them through NAPI and
 * GRO into the stack (forward on a single route or raw-table drop); or, with NAPI off, handles every frame in
 * its interrupt and queues it on the backlog ({@code netif_rx()}), as drivers did before NAPI. Used by
 * {@code pktsim explain napi} and by the end-to-end tests.
 */
public final class NapiScenario {

    /** The scenario's settings. */
    public static final class Options {
        /** Offered load, bits per second of IP packets. */
        public long rateBps = 80_000_000L;
        /** IP packet size, bytes (the frame adds a 14-byte Ethernet header). */
        public int packetBytes = 1500;
        /** The link's rate, bits per second. */
        public long linkBps = 1_000_000_000L;
        /** NAPI on; off handles frames in the interrupt (one interrupt per frame without coalescing). */
        public boolean napi = true;
        /** NAPI weight; 0 takes the profile's. */
        public int weight;
        /** netdev_budget; 0 takes the profile's. */
        public int budget;
        /** rx-usecs; -1 takes the profile's. */
        public long rxUsecs = -1;
        /** rx-frames; -1 takes the profile's. */
        public int rxFrames = -1;
        /** Threaded NAPI: null takes the profile's. */
        public Boolean threaded;
        /** RX queues, all with their interrupt on CPU 0. */
        public int queues = 1;
        /** What the stack does with each packet. */
        public PacketPath.Mode mode = PacketPath.Mode.FORWARD;
        /** Simulated duration, ns. */
        public long durationNs = 100_000_000L;
        /** The source stops sending after this long, ns; 0 sends for the whole duration. */
        public long sendForNs;
        /** TCP segments of a few bulk flows (GRO merges them) instead of UDP datagrams. */
        public boolean tcp;
        /** Flows the source interleaves. */
        public int flows = 4;
        /**
         * UDP datagrams ({@link #tcp} false): the flows they interleave, one source port each; 0 gives every datagram
         * a source port of its own (1024 ports in turn).
         */
        public int udpFlows;
        /**
         * PPPoE session id of the frames (a download through a PPPoE dial: each frame a PPPoE session frame, which
         * the stack takes apart and queues to the backlog again, {@code PacketPath}); 0 sends plain Ethernet frames.
         */
        public int pppoeSession;
        /** OpenWrt's PPPoE GRO handler ({@code GroConfig#pppoeGro}); mainline 6.18 has none. */
        public boolean pppoeGro;
        /** Fraglist GRO ({@code GroConfig#rxGroList}, {@code rx-gro-list}); off in mainline 6.18. */
        public boolean groList;
        /** UDP GRO without fraglist ({@code GroConfig#udpGroForwarding}, {@code rx-udp-gro-forwarding}); off. */
        public boolean udpGroForwarding;
    }

    /** What a run measured. */
    public static final class Result {
        /** Packets the source sent. */
        public long sent;
        /** Frames taken from the RX rings. */
        public long received;
        /** Frames dropped because the RX ring was full. */
        public long ringDrops;
        /** Hard interrupts the driver handled. */
        public long irqs;
        /** NAPI polls of the RX instances. */
        public long polls;
        /** Polls that used the whole weight. */
        public long fullWeightPolls;
        /** net_rx_action runs on CPU 0. */
        public long netRxActions;
        /** time_squeeze of CPU 0. */
        public long timeSqueeze;
        /** ksoftirqd wake-ups on CPU 0. */
        public long ksoftirqdWakeups;
        /** Packets forwarded. */
        public long forwarded;
        /** Packets dropped in the raw table. */
        public long rawDropped;
        /** Utilization of CPU 0, 0 to 1. */
        public double cpu0;
        /** The part of it that CPU 0's ksoftirqd ran (softirq work after the restarts), 0 to 1. */
        public double ksoftirqd0;
        /** The all-threads average utilization (what top shows), 0 to 1. */
        public double cpuAverage;
        /** The simulated duration, ns. */
        public long durationNs;
        /** Polls of the TX completion instance (mtk_eth_soc's tx_napi), 0 without one. */
        public long txPolls;
        /** TX descriptors the TX instance freed. */
        public long txCompleted;
        /** TX completion interrupts taken. */
        public long txIrqs;
        /** Packets the RX instances' GRO merged into a held aggregate. */
        public long groMerged;
        /** PPPoE session frames decapsulated and queued to the backlog again by the ppp device's netif_rx(). */
        public long pppoeRequeued;
        /** Of those, dropped by the full backlog. */
        public long pppoeBacklogDrops;
        /** Polls of CPU 0's backlog NAPI (process_backlog). */
        public long backlogPolls;

        /** @return interrupts per second */
        public double irqsPerSecond() {
            return irqs * 1e9 / durationNs;
        }

        /** @return packets forwarded or dropped by the stack per second */
        public double stackPps() {
            return (forwarded + rawDropped) * 1e9 / durationNs;
        }
    }

    private NapiScenario() {
    }

    /**
     * Builds and runs the scenario.
     *
     * @param o the settings
     * @param p the device profile
     * @param trace the trace bus ({@link TraceBus#disabled()} for none)
     * @return the measurements
     */
    public static Result run(final Options o, final DeviceProfile p, final TraceBus trace) {
        final EventLoop loop = new EventLoop();
        final CpuStages stages = new CpuStages();
        final CpuTopology cpus = new CpuTopology(loop, stages, p.cores(), p.threadsPerCore(), p.clockHz(), p.hz(),
            p.smtThroughputPermille());
        final int[] ids = CostStage.registerAll(stages);
        final NapiKnobs knobs = p.napiKnobs();
        if (o.budget > 0) {
            knobs.netdevBudget(o.budget);
        }
        final Softnet softnet = new Softnet(cpus, loop, knobs, p.costs().softnetCosts(), trace);
        final PacketStore store = new PacketStore(8192);
        final HardwareThread cpu0 = cpus.thread(0);
        final int weight = o.weight > 0 ? o.weight : p.napiWeight();
        // egress: with a separate TX NAPI (mtk_eth_soc) forwarded packets leave through eth1, whose TX
        // completions its TX instance reclaims; otherwise TX completion is charged with the forward
        NicPort egress = null;
        TxNapiDriver txDriver = null;
        PacketPath.TxOutput tx = null;
        if (o.napi && p.separateTxNapi() && o.mode == PacketPath.Mode.FORWARD) {
            final NicPort eth1 = new NicPort("eth1", 2, new NicPortConfig().txRingSlots(p.txRingSlots())
                .irqBase(1).txAutoReclaim(false).link(o.linkBps, 0), loop, store, NicTrace.disabled());
            egress = eth1;
            txDriver = new TxNapiDriver("eth1/tx", eth1, cpu0, softnet, weight, p.costs(), ids);
            eth1.txIrqLine().handler(txDriver);
            tx = (packet, now) -> {
                if (!eth1.transmit(packet, now)) {
                    store.free(packet);
                }
            };
        }
        final PacketPath path = new PacketPath(softnet, p.costs(), ids, store, o.mode, tx);
        final NicPortConfig cfg = new NicPortConfig().rxQueues(o.queues).rxRingSlots(p.rxRingSlots())
            .txRingSlots(p.txRingSlots()).sharedIrq(p.sharedIrq() && o.queues == 1)
            .link(o.linkBps, 0).rxHash(true, true);
        final long usecs = o.rxUsecs >= 0 ? o.rxUsecs : p.rxUsecs();
        final int frames = o.rxFrames >= 0 ? o.rxFrames : p.rxFrames();
        cfg.coalescing(usecs, frames);
        cfg.adaptiveRx(p.adaptiveRx() && o.rxUsecs < 0 && o.rxFrames < 0);
        if (!"mtk_eth_soc".equals(p.driverName())) {
            cfg.coalescingHardware(0, 0);
        }
        final NicPort port = new NicPort("eth0", 1, cfg, loop, store,
            trace.enabled() ? new NicTrace(trace) : NicTrace.disabled());
        final RxQueueDriver[] drivers = new RxQueueDriver[o.queues];
        final GroTable[] gros = new GroTable[o.queues];
        final LegacyDriver[] legacy = new LegacyDriver[o.queues];
        for (int q = 0; q < o.queues; q++) {
            if (o.napi) {
                final GroTable gro = new GroTable(store, new GroConfig().hz(p.hz())
                    .groFlushTimeoutNs(p.groFlushTimeoutNs()).napiDeferHardIrqs(p.napiDeferHardIrqs())
                    .groNormalBatch(p.groNormalBatch()).pppoeGro(o.pppoeGro).rxGroList(o.groList)
                    .udpGroForwarding(o.udpGroForwarding), path);
                gros[q] = gro;
                drivers[q] = new RxQueueDriver("eth0/rx" + q, port.rxQueue(q), cpu0, softnet, weight, gro, path,
                    store, p.costs(), ids);
                if (trace.enabled()) {
                    gro.traceListener(new GroTraceBridge(trace, drivers[q].napi().traceComponent()));
                }
                if (o.threaded != null ? o.threaded : p.threadedNapi()) {
                    drivers[q].napi().threaded();
                }
            } else {
                legacy[q] = new LegacyDriver(port.rxQueue(q), cpu0, softnet, path, store, p, ids);
            }
        }
        if (txDriver != null && (o.threaded != null ? o.threaded : p.threadedNapi())) {
            txDriver.napi().threaded();
        }
        softnet.backlogSink((c, packet, now) -> {
            path.cpu(cpus.thread(c));
            path.deliverFromBacklog(packet, now);
        });
        final Source source = new Source(loop, store, port, o);
        source.start();
        final CpuUtilization u = cpus.utilization();
        u.begin(0);
        loop.runUntil(o.durationNs);
        u.end(o.durationNs);
        final Result r = new Result();
        r.durationNs = o.durationNs;
        r.sent = source.sent;
        r.received = port.counters().get(PortCounter.RX_PACKETS);
        r.ringDrops = port.counters().get(PortCounter.RX_FIFO_ERRORS);
        for (int q = 0; q < o.queues; q++) {
            if (o.napi) {
                r.groMerged += gros[q].counters().get(GroCounter.MERGED);
                r.irqs += drivers[q].counters().get(DriverCounter.IRQS);
                r.polls += drivers[q].napi().counters().get(NapiCounter.POLLS);
                r.fullWeightPolls += drivers[q].napi().counters().get(NapiCounter.FULL_WEIGHT_POLLS);
            } else {
                r.irqs += legacy[q].irqs;
            }
        }
        r.backlogPolls = softnet.softnet(0).backlog().counters().get(NapiCounter.POLLS);
        r.netRxActions = softnet.softnet(0).counters().get(SoftnetCounter.NET_RX_ACTIONS);
        r.timeSqueeze = softnet.softnet(0).counters().get(SoftnetCounter.TIME_SQUEEZE);
        r.ksoftirqdWakeups = cpu0.counters().get(CpuThreadCounter.KSOFTIRQD_WAKEUPS);
        r.forwarded = path.counters().get(PathCounter.FORWARDED);
        r.rawDropped = path.counters().get(PathCounter.RAW_DROPPED);
        r.pppoeRequeued = path.counters().get(PathCounter.PPPOE_RECEIVED);
        r.pppoeBacklogDrops = path.counters().get(PathCounter.PPPOE_BACKLOG_DROPPED);
        if (txDriver != null) {
            r.txPolls = txDriver.napi().counters().get(NapiCounter.POLLS);
            r.txCompleted = egress.counters().get(PortCounter.TX_COMPLETED);
            r.txIrqs = txDriver.counters().get(DriverCounter.IRQS);
        }
        r.cpu0 = u.utilization(0);
        r.ksoftirqd0 = cpu0.ksoftirqdSoftirqCycles() / (double) u.capacityCycles(0);
        r.cpuAverage = cpus.averageUtilization(u);
        return r;
    }

    /** Sends packets at a constant rate over the link into the port, one event per packet. */
    private static final class Source implements io.pktsim.core.event.EventHandler {
        private final EventLoop loop;
        private final PacketStore store;
        private final NicPort port;
        private final PacketBuilder pb;
        private final LinkDirection wire;
        private final long spacingNs;
        private final int packetBytes;
        private final int sendKind;
        private final int arriveKind;
        private final long stopNs;
        private final boolean tcp;
        private final int flows;
        private final int[] seq;
        private final int pppoeSession;
        private final int udpFlows;
        long sent;
        private int sport;

        Source(final EventLoop loop, final PacketStore store, final NicPort port, final Options o) {
            this.loop = loop;
            this.store = store;
            this.port = port;
            this.pb = new PacketBuilder(store);
            this.wire = new LinkDirection("source>eth0", o.linkBps, 0);
            this.spacingNs = Math.max(1, 8_000_000_000L * o.packetBytes / o.rateBps);
            this.packetBytes = o.packetBytes;
            this.stopNs = o.sendForNs > 0 ? o.sendForNs : Long.MAX_VALUE;
            this.tcp = o.tcp;
            this.flows = Math.max(1, o.flows);
            this.seq = new int[this.flows];
            this.pppoeSession = o.pppoeSession;
            this.udpFlows = o.udpFlows;
            this.sendKind = loop.register(this, "source");
            this.arriveKind = loop.register((t, packet, now) -> port.receive((int) packet, now), "wire");
        }

        void start() {
            loop.schedule(0, sendKind, 0, 0);
        }

        @Override
        public void onEvent(final int target, final long arg, final long nowNs) {
            if (nowNs + spacingNs < stopNs) {
                loop.schedule(nowNs + spacingNs, sendKind, 0, 0);
            }
            final int h;
            pb.reset();
            if (pppoeSession != 0) {
                pb.pppoe(pppoeSession);
            }
            if (tcp) {
                final int f = (int) (sent % flows);
                final int payload = Math.max(0, packetBytes - 40);
                h = pb.tcp(40_000 + f, 80, seq[f], 1, 0x10).payload(payload).build();
                seq[f] += payload;
            } else {
                final int from = udpFlows > 0 ? (int) (sent % udpFlows) : sport++ & 1023;
                h = pb.udp(1024 + from, 9).payload(Math.max(0, packetBytes - 28)).build();
            }
            if (h < 0) {
                return;
            }
            sent++;
            loop.schedule(wire.transmit(nowNs, store.length(h)), arriveKind, 0, h);
        }
    }

    /**
     * A driver without NAPI: the interrupt handler takes every frame in the ring and queues it on the CPU's
     * backlog ({@code netif_rx()}), which {@code process_backlog()} hands to the stack.
     */
    private static final class LegacyDriver implements IrqHandler, HardIrqHandler, RxFrameHandler {
        private final RxQueue queue;
        private final HardwareThread cpu;
        private final Softnet softnet;
        private final PacketStore store;
        private final DeviceProfile profile;
        private final int stageIrq;
        private final int stageRx;
        private final int component;
        long irqs;

        LegacyDriver(final RxQueue queue, final HardwareThread cpu, final Softnet softnet, final PacketPath path,
            final PacketStore store, final DeviceProfile profile, final int[] ids) {
            this.queue = queue;
            this.cpu = cpu;
            this.softnet = softnet;
            this.store = store;
            this.profile = profile;
            this.stageIrq = ids[CostStage.HARD_IRQ.ordinal()];
            this.stageRx = ids[CostStage.DRIVER_RX.ordinal()];
            this.component = softnet.trace().names().component("eth0/" + queue.name());
            queue.irq().handler(this);
        }

        @Override
        public void onIrq(final int line, final long nowNs) {
            cpu.hardIrq(this, line, nowNs);
        }

        @Override
        public void onHardIrq(final HardwareThread thread, final int line, final long nowNs) {
            irqs++;
            thread.charge(stageIrq, profile.costs().perEvent(CostStage.HARD_IRQ));
            softnet.traceIrq(component, line, thread.id(), nowNs);
            nowForFrames = nowNs;
            while (queue.poll(Integer.MAX_VALUE, this) > 0) {
                // take every frame the ring holds
            }
        }

        private long nowForFrames;

        @Override
        public void onFrame(final int packet, final long arrivalNs, final int slot) {
            cpu.charge(stageRx, profile.costs().packetCycles(CostStage.DRIVER_RX, store.length(packet)));
            if (!softnet.enqueueToBacklog(cpu.id(), cpu.id(), packet, nowForFrames)) {
                store.free(packet);
            }
        }
    }
}
