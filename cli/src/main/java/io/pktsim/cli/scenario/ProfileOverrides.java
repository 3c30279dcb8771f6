package io.pktsim.cli.scenario;

import java.io.StringReader;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.ConfigReader;
import io.pktsim.cli.config.YamlConfigLoader;
import io.pktsim.cli.profile.ProfileLoader;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * A scenario's overrides of its preset's profile: the sections {@code cpu}, {@code driver}, {@code napi} and
 * {@code costs} of the profile files, each key defaulting to the built-in profile's value, with the same ranges
 * as {@link io.pktsim.cli.profile.ProfileLoader}.
 *
 * <p>A scenario is run by the router engine ({@code RouterSimulation}), which does not model every knob of a
 * profile (docs/design.md, "Profile knobs the engine does not model"): {@code driver.txRingSlots},
 * {@code driver.sharedIrq}, {@code napi.devWeight} and the cost stages {@code net_rx_action} and {@code raw_drop}
 * serve the units that {@code pktsim explain napi} runs. ({@code napi.groFlushTimeout},
 * {@code napi.napiDeferHardIrqs} and the {@code hrtimer} stage are the engine's since it models
 * {@code napi_complete_done}'s deferral.) A scenario may name them only with the preset's value (as {@code pktsim
 * validate} prints them); another value is refused rather than silently ignored.
 */
final class ProfileOverrides {

    private ProfileOverrides() {
    }

    /**
     * Reads the override sections of {@code device} and returns a new profile.
     *
     * @param device the scenario's {@code device} mapping
     * @param base the preset's built-in profile (not changed)
     * @return the resolved profile
     * @throws ConfigException on an unknown key or a value out of range
     */
    static DeviceProfile apply(final ConfigReader device, final DeviceProfile base) throws ConfigException {
        final DeviceProfile p = new DeviceProfile();
        p.name(base.name());
        p.description(base.description());
        final ConfigReader cpu = section(device, "cpu");
        p.cores((int) cpu.integer("cores", (long) base.cores(), 1, 64));
        p.threadsPerCore((int) cpu.integer("threadsPerCore", (long) base.threadsPerCore(), 1, 2));
        p.clockHz(cpu.integer("clockHz", base.clockHz(), 1_000_000L, 9_000_000_000L));
        p.smtThroughputPermille((int) Math.round(1000 * cpu.decimal("smtThroughputFactor",
            base.smtThroughputPermille() / 1000.0, 1.0, 2.0)));
        p.hz((int) cpu.integer("hz", (long) base.hz(), 1, 10_000));
        cpu.finish();
        final ConfigReader drv = section(device, "driver");
        p.driverName(drv.string("name", base.driverName()));
        ProfileLoader.checkDriverName(drv, p.driverName());
        p.rxRingSlots(powerOfTwo(drv, "rxRingSlots", base.rxRingSlots()));
        p.txRingSlots(powerOfTwo(drv, "txRingSlots", base.txRingSlots()));
        unmodelled(drv, "txRingSlots", p.txRingSlots() != base.txRingSlots(), p.txRingSlots(), base.txRingSlots(),
            "the driver's TX ring: the engine's CPU port drains the qdisc, and no TX ring fills or stops a queue");
        p.rxUsecs((int) drv.integer("rxUsecs", (long) base.rxUsecs(), 0, 100_000));
        p.rxFrames((int) drv.integer("rxFrames", (long) base.rxFrames(), 0, 65_536));
        p.adaptiveRx(drv.bool("adaptiveRx", base.adaptiveRx()));
        p.sharedIrq(drv.bool("sharedIrq", base.sharedIrq()));
        unmodelled(drv, "sharedIrq", p.sharedIrq() != base.sharedIrq(), p.sharedIrq(), base.sharedIrq(),
            "a TX and RX interrupt line shared: the engine charges TX completions at the next RX poll");
        p.separateTxNapi(drv.bool("separateTxNapi", base.separateTxNapi()));
        // mlx5 opens one channel per CPU by default: a base profile with that default keeps it on the scenario's
        // CPUs, one with fewer keeps its count (at most one per CPU); another driver has one RX queue
        final int cpus = p.cores() * p.threadsPerCore();
        final long queues = !ProfileLoader.MLX5_CORE.equals(p.driverName()) ? 1L
            : base.rxQueues() == base.threadCount() ? cpus : Math.min(base.rxQueues(), cpus);
        p.rxQueues((int) drv.integer("rxQueues", queues, 1, DeviceProfile.MAX_RX_QUEUES));
        ProfileLoader.checkRxQueues(drv, p);
        drv.finish();
        final ConfigReader napi = section(device, "napi");
        p.napiWeight((int) napi.integer("weight", (long) base.napiWeight(), 1, 65_536));
        p.netdevBudget((int) napi.integer("netdevBudget", (long) base.netdevBudget(), 1, 1_000_000));
        p.netdevBudgetUsecs(napi.integer("netdevBudgetUsecs", base.netdevBudgetUsecs(), 0, 100_000_000L));
        p.devWeight((int) napi.integer("devWeight", (long) base.devWeight(), 1, 65_536));
        unmodelled(napi, "devWeight", p.devWeight() != base.devWeight(), p.devWeight(), base.devWeight(),
            "dev_weight, a backlog poll's quota: the engine's backlog polls take the default 64 (dev_rx_weight), "
                + "and its qdisc has no dev_tx_weight quota");
        p.netdevMaxBacklog((int) napi.integer("netdevMaxBacklog", (long) base.netdevMaxBacklog(), 1, 10_000_000));
        p.groFlushTimeoutNs(napi.durationNs("groFlushTimeout", base.groFlushTimeoutNs(), 0, 1_000_000_000L));
        p.groNormalBatch((int) napi.integer("groNormalBatch", (long) base.groNormalBatch(), 1, 4096));
        p.pppoeGro(napi.bool("pppoeGro", base.pppoeGro()));
        p.groList(napi.bool("groList", base.groList()));
        p.udpGroForwarding(napi.bool("udpGroForwarding", base.udpGroForwarding()));
        p.napiDeferHardIrqs((int) napi.integer("napiDeferHardIrqs", (long) base.napiDeferHardIrqs(), 0, 1_000_000));
        p.threadedNapi(napi.bool("threaded", base.threadedNapi()));
        p.rpsCpus(napi.integer("rpsCpus", base.rpsCpus(), 0L, 0xFFFF_FFFF_FFFFL));
        p.napiCpu((int) napi.integer("napiCpu", (long) base.napiCpu(), 0L, 63L));
        p.txNapiCpu((int) napi.integer("txNapiCpu", (long) base.txNapiCpu(), -1L, 63L));
        ProfileLoader.checkCpus(napi, p);
        napi.finish();
        final ConfigReader costs = section(device, "costs");
        final CostTable baseCosts = base.costs();
        final CostTable table = new CostTable();
        for (final CostStage s : CostStage.values()) {
            final ConfigReader c = costs.object(s.label(), false);
            long event = baseCosts.perEvent(s);
            long packet = baseCosts.perPacket(s);
            long perByteMilli = baseCosts.perByteMilli(s);
            if (c != null) {
                event = c.integer("perEvent", event, 0, 1_000_000_000L);
                packet = c.integer("perPacket", packet, 0, 1_000_000_000L);
                perByteMilli = Math.round(1000 * c.decimal("perByte", perByteMilli / 1000.0, 0.0, 1_000_000.0));
                c.finish();
                if (!chargedByTheEngine(s) && (event != baseCosts.perEvent(s) || packet != baseCosts.perPacket(s)
                    || perByteMilli != baseCosts.perByteMilli(s))) {
                    throw costs.errorAt(s.label(), "'" + costs.node().path() + "." + s.label() + "' changes a cost "
                        + "pktsim run does not charge (the stage serves pktsim explain napi's units); expected the "
                        + "preset's values, or leave the stage out");
                }
            }
            if (event != 0 || packet != 0 || perByteMilli != 0) {
                table.set(s, event, packet, perByteMilli);
            }
        }
        costs.finish();
        p.costs(table);
        return p;
    }

    /**
     * Refuses a knob the router engine does not model when it differs from the preset's value.
     *
     * @param r the section
     * @param key the knob
     * @param changed whether the scenario's value differs from the preset's
     * @param value the scenario's value, as written back
     * @param preset the preset's value
     * @param what what the knob is and what the engine does instead
     * @throws ConfigException when changed
     */
    private static void unmodelled(final ConfigReader r, final String key, final boolean changed, final Object value,
        final Object preset, final String what) throws ConfigException {
        if (changed) {
            throw r.errorAt(key, "'" + r.node().path() + "." + key + "' is " + value + ", but pktsim run does not "
                + "model " + what + "; expected the preset's " + preset + ", or leave the key out");
        }
    }

    /** Whether the router engine charges a stage ({@code net_rx_action}, {@code raw_drop}: no). */
    private static boolean chargedByTheEngine(final CostStage s) {
        return s != CostStage.NET_RX_ACTION && s != CostStage.RAW_DROP;
    }

    /** A section, or an empty reader when absent (so that every key takes its default). */
    private static ConfigReader section(final ConfigReader parent, final String key) throws ConfigException {
        final ConfigReader r = parent.object(key, false);
        return r != null ? r : empty();
    }

    /** @return a reader of an empty mapping: every key takes its default */
    static ConfigReader empty() throws ConfigException {
        return new ConfigReader(new YamlConfigLoader().load("(defaults)", new StringReader("{}")));
    }

    private static int powerOfTwo(final ConfigReader r, final String key, final int base) throws ConfigException {
        final long v = r.integer(key, (long) base, 2, 65_536);
        if (Long.bitCount(v) != 1) {
            throw r.errorAt(key, "'" + r.node().path() + "." + key + "' is " + v
                + "; expected a power of two from 2 to 65536");
        }
        return (int) v;
    }

}
