package io.pktsim.cli.scenario;

import java.math.BigDecimal;
import java.util.Locale;

import io.pktsim.cli.config.Units;
import io.pktsim.cli.scenario.Scenario.App;
import io.pktsim.cli.scenario.Scenario.BalancingMode;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * Renders a resolved scenario, or a profile, as YAML with every default written out, in the order
 * docs/scenarios.md lists the keys. The output is itself a valid scenario (or profile) that resolves to the same
 * thing.
 */
public final class ScenarioYaml {

    private final StringBuilder out = new StringBuilder(4096);

    private ScenarioYaml() {
    }

    /**
     * @param s the scenario
     * @return the YAML text, ending with a newline
     */
    public static String render(final Scenario s) {
        final ScenarioYaml y = new ScenarioYaml();
        y.line(0, "# resolved from " + s.source() + " (sha256 " + s.sha256() + ")");
        y.kv(0, "name", quote(s.name()));
        y.kv(0, "description", quote(s.description()));
        y.line(0, "device:");
        y.kv(2, "preset", s.device().preset().label());
        y.kv(2, "switch", s.device().profile().dsa() ? ScenarioLoader.SWITCH_DSA : ScenarioLoader.SWITCH_SWCONFIG);
        y.profileSections(2, s.device().profile());
        y.line(0, "lan:");
        y.kv(2, "hosts", s.lan().hosts());
        y.kv(2, "portRate", Units.formatBps(s.lan().portRateBps()));
        y.kv(2, "bridge", s.lan().bridge());
        y.kv(0, "ipv6", s.ipv6());
        final Scenario.Wan w = s.wan();
        y.line(0, "wan:");
        y.kv(2, "lines", w.lines());
        y.kv(2, "vlan", w.vlan());
        y.kv(2, "lineRate", Units.formatBps(w.lineRateBps()));
        y.kv(2, "dialsPerLine", w.dialsPerLine());
        y.kv(2, "pppoe", w.pppoe());
        y.kv(2, "mtu", w.mtu());
        y.kv(2, "dialShaping", rate(w.dialShapingBps()));
        y.kv(2, "rtt", Units.formatNs(w.rttNs()));
        y.kv(2, "servers", w.servers());
        if (w.redials().isEmpty()) {
            y.kv(2, "redials", "[]");
        } else {
            y.line(2, "redials:");
            for (final Scenario.Redial r : w.redials()) {
                y.kv(4, "- dial", r.dial());
                y.kv(6, "at", Units.formatNs(r.atNs()));
                y.kv(6, "down", Units.formatNs(r.downNs()));
            }
        }
        y.line(0, "balancing:");
        y.kv(2, "mode", s.balancing().mode().label());
        if (s.balancing().mode() == BalancingMode.ECMP) {
            y.kv(2, "fibMultipathHashPolicy", s.balancing().fibMultipathHashPolicy());
            y.kv(2, "fibMultipathHashSeed", s.balancing().fibMultipathHashSeed());
        } else if (s.balancing().mode() == BalancingMode.MWAN3) {
            y.kv(2, "mmxMask", "0x" + Integer.toHexString(s.balancing().mmxMask()).toUpperCase(Locale.ROOT));
            y.kv(2, "sticky", s.balancing().sticky());
        }
        y.kv(0, "offload", s.offload().label());
        y.line(0, "firewall:");
        y.kv(2, "kind", s.firewall().kind().label());
        y.kv(2, "conntrackMax", s.firewall().conntrackMax());
        y.kv(0, "qdisc", s.qdisc().label());
        y.line(0, "workload:");
        y.line(2, "apps:");
        for (final App a : s.workload().apps()) {
            y.kv(4, "- name", quote(a.name()));
            y.kv(6, "type", a.type().label());
            y.kv(6, "direction", a.direction().label());
            y.kv(6, "hosts", a.hosts());
            y.kv(6, "start", Units.formatNs(a.startNs()));
            switch (a.type()) {
                case P2P:
                    y.kv(6, "peers", a.connections());
                    y.kv(6, "congestionControl", a.congestionControl());
                    y.kv(6, "timeout", Units.formatNs(a.timeoutNs()));
                    y.kv(6, "connectTimeout", connectTimeout(a));
                    y.kv(6, "maxTries", maxTries(a));
                    break;
                case UDP:
                    y.kv(6, "flows", a.connections());
                    y.kv(6, "pattern", a.pattern());
                    y.kv(6, "rate", Units.formatBps(a.rateBps()));
                    y.kv(6, "packetBytes", a.packetBytes());
                    break;
                default:
                    y.kv(6, "connections", a.connections());
                    y.kv(6, "congestionControl", a.congestionControl());
                    y.kv(6, "timeout", Units.formatNs(a.timeoutNs()));
                    y.kv(6, "connectTimeout", connectTimeout(a));
                    if (a.type() == Scenario.AppType.DOWNLOADER) {
                        y.kv(6, "maxTries", maxTries(a));
                    }
                    break;
            }
        }
        y.kv(0, "duration", Units.formatNs(s.durationNs()));
        y.kv(0, "warmUp", Units.formatNs(s.warmUpNs()));
        y.kv(0, "seed", s.seed());
        y.kv(0, "run", s.run());
        y.line(0, "outputs:");
        y.kv(2, "json", quote(nullToEmpty(s.outputs().json())));
        y.kv(2, "pcapDir", quote(nullToEmpty(s.outputs().pcapDir())));
        y.kv(2, "trace", quote(nullToEmpty(s.outputs().trace())));
        return y.out.toString();
    }

    /**
     * A profile in the format of the built-in profile files, every key written.
     *
     * @param p the profile
     * @return the YAML text, ending with a newline
     */
    public static String renderProfile(final DeviceProfile p) {
        final ScenarioYaml y = new ScenarioYaml();
        y.kv(0, "name", quote(p.name()));
        y.kv(0, "description", quote(p.description()));
        y.profileSections(0, p);
        return y.out.toString();
    }

    private void profileSections(final int in, final DeviceProfile p) {
        line(in, "cpu:");
        kv(in + 2, "cores", p.cores());
        kv(in + 2, "threadsPerCore", p.threadsPerCore());
        kv(in + 2, "clockHz", p.clockHz());
        kv(in + 2, "smtThroughputFactor", milli(p.smtThroughputPermille()));
        kv(in + 2, "hz", p.hz());
        line(in, "driver:");
        kv(in + 2, "name", quote(p.driverName()));
        kv(in + 2, "rxRingSlots", p.rxRingSlots());
        kv(in + 2, "txRingSlots", p.txRingSlots());
        kv(in + 2, "rxUsecs", p.rxUsecs());
        kv(in + 2, "rxFrames", p.rxFrames());
        kv(in + 2, "adaptiveRx", p.adaptiveRx());
        kv(in + 2, "sharedIrq", p.sharedIrq());
        kv(in + 2, "separateTxNapi", p.separateTxNapi());
        kv(in + 2, "rxQueues", p.rxQueues());
        line(in, "napi:");
        kv(in + 2, "weight", p.napiWeight());
        kv(in + 2, "netdevBudget", p.netdevBudget());
        kv(in + 2, "netdevBudgetUsecs", p.netdevBudgetUsecs());
        kv(in + 2, "devWeight", p.devWeight());
        kv(in + 2, "netdevMaxBacklog", p.netdevMaxBacklog());
        kv(in + 2, "groFlushTimeout", Units.formatNs(p.groFlushTimeoutNs()));
        kv(in + 2, "groNormalBatch", p.groNormalBatch());
        kv(in + 2, "pppoeGro", p.pppoeGro());
        kv(in + 2, "groList", p.groList());
        kv(in + 2, "udpGroForwarding", p.udpGroForwarding());
        kv(in + 2, "napiDeferHardIrqs", p.napiDeferHardIrqs());
        kv(in + 2, "threaded", p.threadedNapi());
        kv(in + 2, "napiCpu", p.napiCpu());
        kv(in + 2, "txNapiCpu", p.txNapiCpu());
        kv(in + 2, "rpsCpus", "0x" + Long.toHexString(p.rpsCpus()));
        line(in, "costs:");
        final CostTable c = p.costs();
        for (final CostStage s : CostStage.values()) {
            line(in + 2, s.label() + ": {perEvent: " + c.perEvent(s) + ", perPacket: " + c.perPacket(s)
                + ", perByte: " + milli(c.perByteMilli(s)) + "}");
        }
    }

    private static String rate(final long bps) {
        return bps == 0 ? "0bit" : Units.formatBps(bps);
    }

    private static String milli(final long milli) {
        return BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }

    /** An application's connect timeout as a scenario names it: {@code none} for 0 (only the kernel's). */
    private static String connectTimeout(final App a) {
        return a.connectTimeoutNs() == 0 ? "none" : Units.formatNs(a.connectTimeoutNs());
    }

    /** An application's limit on its tries as a scenario names it: {@code none} for 0 (no limit). */
    private static String maxTries(final App a) {
        return a.maxTries() == 0 ? "none" : Integer.toString(a.maxTries());
    }

    private static String nullToEmpty(final String s) {
        return s == null ? "" : s;
    }

    /** Single-quoted YAML scalar (a quote inside is doubled). */
    static String quote(final String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private void kv(final int indent, final String key, final Object value) {
        line(indent, key + ": " + value);
    }

    private void line(final int indent, final String text) {
        for (int i = 0; i < indent; i++) {
            out.append(' ');
        }
        out.append(text).append('\n');
    }
}
