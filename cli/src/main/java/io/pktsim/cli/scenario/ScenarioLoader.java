package io.pktsim.cli.scenario;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.ConfigNode;
import io.pktsim.cli.config.ConfigReader;
import io.pktsim.cli.config.Suggest;
import io.pktsim.cli.config.Units;
import io.pktsim.cli.config.YamlConfigLoader;
import io.pktsim.cli.profile.ProfileLoader;
import io.pktsim.cli.scenario.Scenario.App;
import io.pktsim.cli.scenario.Scenario.AppType;
import io.pktsim.cli.scenario.Scenario.Balancing;
import io.pktsim.cli.scenario.Scenario.BalancingMode;
import io.pktsim.cli.scenario.Scenario.Device;
import io.pktsim.cli.scenario.Scenario.Direction;
import io.pktsim.cli.scenario.Scenario.Firewall;
import io.pktsim.cli.scenario.Scenario.FirewallKind;
import io.pktsim.cli.scenario.Scenario.Lan;
import io.pktsim.cli.scenario.Scenario.Offload;
import io.pktsim.cli.scenario.Scenario.Outputs;
import io.pktsim.cli.scenario.Scenario.Qdisc;
import io.pktsim.cli.scenario.Scenario.Redial;
import io.pktsim.cli.scenario.Scenario.Wan;
import io.pktsim.cli.scenario.Scenario.Workload;
import io.pktsim.lb.mwan3.Mwan3MarkMask;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * Reads a scenario file strictly, before anything runs: every key known (else "did you mean"), every value in
 * range, and the topology possible (dials 1 to 100 in all, distinct VLANs, a PPPoE MTU of at most 1492, mwan3
 * within its mark mask's interface limit). Every problem is a {@link ConfigException} with the file, line and
 * column, the key, the value and what is allowed. The format is documented in docs/scenarios.md.
 */
public final class ScenarioLoader {

    /** The most dials a scenario may have in all (the seed's naming assumes fewer than 100, S0-19). */
    public static final int MAX_DIALS = 100;
    /** PPPoE's largest MTU: 1500 - 8 (RFC 2516). */
    public static final int PPPOE_MAX_MTU = 1492;
    /** IPv6's smallest link MTU (RFC 8200). */
    public static final int IPV6_MIN_MTU = 1280;

    private static final long NS_PER_MS = 1_000_000L;
    private static final long NS_PER_S = 1_000_000_000L;
    private static final long MAX_RATE_BPS = 100_000_000_000L;
    private static final long MAX_DURATION_NS = 3_600 * NS_PER_S;

    /** Keys that belong to some app types only, and those types (for a clear message on the others). */
    private static final String[][] TYPE_KEYS = {
        {"connections", "browser, downloader or speedtest"},
        {"peers", "p2p"},
        {"congestionControl", "browser, downloader, p2p or speedtest"},
        {"flows", "udp"},
        {"pattern", "udp"},
        {"rate", "udp"},
        {"packetBytes", "udp"},
        {"timeout", "browser, downloader, p2p or speedtest"},
        {"connectTimeout", "browser, downloader, p2p or speedtest"},
        {"maxTries", "downloader or p2p"},
    };

    /** The most flows (TCP connections and UDP flows over every app and host) the router engine takes. */
    static final int MAX_FLOWS = 1 << 20;

    private final YamlConfigLoader yaml = new YamlConfigLoader();
    private final ProfileLoader profiles = new ProfileLoader();

    /**
     * Loads and validates a scenario file.
     *
     * @param file the file
     * @return the resolved scenario
     * @throws ConfigException on any problem, including a file that cannot be read
     */
    public Scenario load(final Path file) throws ConfigException {
        return parse(file.toString(), YamlConfigLoader.readFile(file));
    }

    /**
     * Parses and validates a scenario.
     *
     * @param source the file name for messages
     * @param bytes the file's bytes (UTF-8)
     * @return the resolved scenario
     * @throws ConfigException on any problem
     */
    public Scenario parse(final String source, final byte[] bytes) throws ConfigException {
        final ConfigNode rootNode = yaml.load(source, new StringReader(YamlConfigLoader.decode(source, bytes)));
        final ConfigReader root = new ConfigReader(rootNode);
        final String name = root.string("name", defaultName(source));
        final String description = root.string("description", "");
        final Device device = device(root.object("device", true));
        final Lan lan = lan(root.object("lan", false), device.preset());
        final boolean ipv6 = root.bool("ipv6", false);
        final Wan wan = wan(root.object("wan", true), device.preset(), ipv6);
        final Balancing balancing = balancing(root.object("balancing", false), wan);
        final Offload offload = enumChoice(root, "offload", Offload.NONE, Offload.values(), Offload::label);
        final Firewall firewall = firewall(root.object("firewall", false));
        final Qdisc qdisc = enumChoice(root, "qdisc", Qdisc.FQ_CODEL, Qdisc.values(), Qdisc::label);
        final Workload workload = workload(root.object("workload", true), lan, wan);
        final long durationNs = root.durationNs("duration", 10 * NS_PER_S, NS_PER_MS, 3_600 * NS_PER_S);
        final long warmUpNs = root.durationNs("warmUp", Math.min(NS_PER_S, durationNs / 10), 0, 3_600 * NS_PER_S);
        final long seed = root.integer("seed", 1L, 0, Long.MAX_VALUE);
        final long run = root.integer("run", 0L, 0, Integer.MAX_VALUE);
        final Outputs outputs = outputs(root.object("outputs", false));
        root.finish();
        redialsWithinTheRun(rootNode, wan, warmUpNs, durationNs);
        appsWithinTheRun(rootNode, workload, warmUpNs, durationNs);
        if (offload == Offload.PPE && !ProfileLoader.MTK_ETH_SOC.equals(device.profile().driverName())) {
            throw root.errorAt("offload", "'offload' is ppe, but the device's driver is "
                + device.profile().driverName() + " (preset " + device.preset().label() + "): the PPE (HWNAT, "
                + "mtk_ppe) is the MT7621's, driver " + ProfileLoader.MTK_ETH_SOC + "; expected none or flowtable, "
                + "or preset k2p");
        }
        return new Scenario(source, sha256(bytes), name, description, device, lan, wan, ipv6, balancing, offload,
            firewall, qdisc, workload, durationNs, warmUpNs, seed, run, outputs);
    }

    private static String defaultName(final String source) {
        String n = Path.of(source).getFileName() == null ? source : Path.of(source).getFileName().toString();
        final int dot = n.lastIndexOf('.');
        if (dot > 0) {
            n = n.substring(0, dot);
        }
        return n;
    }

    private static String text(final ConfigReader r, final String key) {
        final ConfigNode v = r.node().entries().get(key);
        return v == null ? "(default)" : v.text();
    }

    /** {@code device.switch}: the switch driven the swconfig way (VLAN devices on eth0), the default. */
    static final String SWITCH_SWCONFIG = "swconfig";
    /** {@code device.switch}: the switch under DSA (user ports of the conduit eth0). */
    static final String SWITCH_DSA = "dsa";

    private Device device(final ConfigReader d) throws ConfigException {
        final Preset preset = Preset.byLabel(d.choice("preset", null, Preset.labels().toArray(new String[0])));
        final DeviceProfile base;
        try {
            base = profiles.load(preset.profile());
        } catch (final IOException e) {
            throw d.errorAt("preset", "cannot load the built-in profile " + preset.profile() + ": " + e.getMessage());
        }
        final String sw = d.choice("switch", SWITCH_SWCONFIG, SWITCH_SWCONFIG, SWITCH_DSA);
        if (SWITCH_DSA.equals(sw) && !preset.hasSwitch()) {
            throw d.errorAt("switch", "'device.switch' is dsa, but preset " + preset.label() + " has no switch (its "
                + "ports are NICs of their own); expected swconfig (the default), or preset k2p or newifi-y1");
        }
        final DeviceProfile profile = ProfileOverrides.apply(d, base);
        // Under DSA a K2P's WAN port is on the SoC's second GMAC (mt7621_phicomm_k2p.dts), not behind the switch
        profile.dsa(SWITCH_DSA.equals(sw)).wanOnOwnGmac(SWITCH_DSA.equals(sw) && preset.wanOnOwnGmac());
        d.finish();
        return new Device(preset, profile);
    }

    private static Lan lan(final ConfigReader given, final Preset preset) throws ConfigException {
        final ConfigReader l = given != null ? given : ProfileOverrides.empty();
        final int hosts = (int) l.integer("hosts", 1L, 1, 4096);
        final long rate = rate(l, "lan.portRate", "portRate", preset.portRateBps(), false);
        if (rate > preset.portRateBps()) {
            throw l.errorAt("portRate", "'lan.portRate' is " + text(l, "portRate") + "; expected at most "
                + Units.formatBps(preset.portRateBps()) + " (the " + preset.label() + "'s ports)");
        }
        final boolean bridge = l.bool("bridge", true);
        l.finish();
        return new Lan(hosts, rate, bridge);
    }

    private static Wan wan(final ConfigReader w, final Preset preset, final boolean ipv6) throws ConfigException {
        final int lines = (int) w.integer("lines", 1L, 1, preset.maxLines());
        final int vlan = (int) w.integer("vlan", 2L, 2, 4094);
        if (vlan + lines - 1 > 4094) {
            throw w.errorAt("vlan", "'wan.vlan' is " + vlan + " with " + lines + " lines; the last line's VLAN "
                + (vlan + lines - 1) + " is above 4094");
        }
        final long lineRate = rate(w, "wan.lineRate", "lineRate", preset.portRateBps(), false);
        if (lineRate > preset.portRateBps()) {
            throw w.errorAt("lineRate", "'wan.lineRate' is " + text(w, "lineRate") + "; expected at most "
                + Units.formatBps(preset.portRateBps()) + " (the " + preset.label() + "'s ports)");
        }
        final int dialsPerLine = (int) w.integer("dialsPerLine", 1L, 1, MAX_DIALS);
        if (lines * dialsPerLine > MAX_DIALS) {
            throw w.errorAt("dialsPerLine", "'wan.dialsPerLine' is " + dialsPerLine + " with " + lines + " lines: "
                + lines * dialsPerLine + " dials in all; expected at most " + MAX_DIALS + " dials in all");
        }
        final boolean pppoe = w.bool("pppoe", true);
        final int mtu = (int) w.integer("mtu", pppoe ? (long) PPPOE_MAX_MTU : 1500L, 576, 1500);
        if (pppoe && mtu > PPPOE_MAX_MTU) {
            throw w.errorAt("mtu", "'wan.mtu' is " + mtu + "; expected at most " + PPPOE_MAX_MTU
                + " with PPPoE (1500 - 8 bytes of PPPoE and PPP headers, RFC 2516)");
        }
        if (ipv6 && mtu < IPV6_MIN_MTU) {
            throw w.errorAt("mtu", "'wan.mtu' is " + mtu + "; expected at least " + IPV6_MIN_MTU
                + " with ipv6: true (IPv6's minimum link MTU)");
        }
        final long shaping = rate(w, "wan.dialShaping", "dialShaping", 0, true);
        final long rtt = w.durationNs("rtt", 20 * NS_PER_MS, 0, 10 * NS_PER_S);
        final int servers = (int) w.integer("servers", 8L, 1, 65_536);
        final List<Redial> redials = redials(w, lines, dialsPerLine);
        w.finish();
        return new Wan(lines, vlan, lineRate, dialsPerLine, pppoe, mtu, shaping, rtt, servers, redials);
    }

    /**
     * {@code wan.redials}: each item's keys and ranges, and no two redials of one dial overlapping (the later one's
     * {@code at} at or after the earlier one's {@code at + down}). That {@code at} is within the run is checked once
     * the run's length is known ({@link #redialsWithinTheRun}).
     */
    private static List<Redial> redials(final ConfigReader w, final int lines, final int dialsPerLine)
        throws ConfigException {
        final int dials = lines * dialsPerLine;
        final List<Redial> out = new ArrayList<>();
        final List<ConfigReader> items = w.objects("redials", false, 0);
        for (int i = 0; i < items.size(); i++) {
            final ConfigReader r = items.get(i);
            final String path = r.node().path();
            // a misspelt key is named before the required key it stands for is missed
            r.has("dial");
            r.has("at");
            r.has("down");
            r.finish();
            final ConfigNode d = r.node().entries().get("dial");
            if (d != null && d.kind() == ConfigNode.Kind.SCALAR) {
                final long v;
                try {
                    v = ConfigReader.parseInteger(d.text());
                } catch (final NumberFormatException e) {
                    throw d.error("'" + path + ".dial' is '" + d.text() + "'; expected an integer from 0 to "
                        + (dials - 1) + ": " + dialCount(lines, dialsPerLine));
                }
                if (v < 0 || v >= dials) {
                    throw d.error("'" + path + ".dial' is " + d.text().strip() + "; expected 0 to " + (dials - 1)
                        + ": " + dialCount(lines, dialsPerLine));
                }
            }
            final int dial = (int) r.integer("dial", null, 0, dials - 1);
            final long at = nonNegativeDuration(r, path + ".at", "at", null, 0, 2 * MAX_DURATION_NS);
            final long down = nonNegativeDuration(r, path + ".down", "down", null, NS_PER_MS, MAX_DURATION_NS);
            final Redial redial = new Redial(dial, at, down);
            for (int j = 0; j < out.size(); j++) {
                final Redial o = out.get(j);
                if (o.dial() == dial && at < o.atNs() + o.downNs() && o.atNs() < at + down) {
                    throw overlap(items, i, redial, j, o);
                }
            }
            out.add(redial);
        }
        return List.copyOf(out);
    }

    private static String dialCount(final int lines, final int dialsPerLine) {
        final int dials = lines * dialsPerLine;
        return "the scenario has " + dials + (dials == 1 ? " dial" : " dials") + " (" + lines
            + (lines == 1 ? " line" : " lines") + " x " + dialsPerLine + (dialsPerLine == 1 ? " dial" : " dials")
            + " per line, counted line by line from 0)";
    }

    /** Two redials of one dial that overlap: reported at the {@code at} of the one that starts later. */
    private static ConfigException overlap(final List<ConfigReader> items, final int i, final Redial ri, final int j,
        final Redial rj) {
        final boolean iLater = ri.atNs() >= rj.atNs();
        final int later = iLater ? i : j;
        final Redial first = iLater ? rj : ri;
        final Redial second = iLater ? ri : rj;
        final String firstPath = items.get(iLater ? j : i).node().path();
        final ConfigReader at = items.get(later);
        return at.errorAt("at", "'" + at.node().path() + ".at' is " + Units.formatNs(second.atNs()) + ", but dial "
            + first.dial() + " is still down until " + Units.formatNs(first.atNs() + first.downNs()) + " ("
            + firstPath + ": at " + Units.formatNs(first.atNs()) + ", down " + Units.formatNs(first.downNs())
            + "); expected at least " + Units.formatNs(first.atNs() + first.downNs())
            + ": the redials of one dial must not overlap");
    }

    /**
     * Every app starts before the run ends ({@code warmUp + duration}): one that starts at or after the end sends
     * nothing.
     *
     * @param root the document, for the place of the error
     * @param workload the apps
     * @param warmUpNs the warm-up, ns
     * @param durationNs the measured duration, ns
     * @throws ConfigException at the first app that starts too late
     */
    public static void appsWithinTheRun(final ConfigNode root, final Workload workload, final long warmUpNs,
        final long durationNs) throws ConfigException {
        final long endNs = warmUpNs + durationNs;
        for (int i = 0; i < workload.apps().size(); i++) {
            if (workload.apps().get(i).startNs() >= endNs) {
                final ConfigNode item = root.entries().get("workload").entries().get("apps").items().get(i);
                throw new ConfigReader(item).errorAt("start", "'" + item.path() + ".start' is "
                    + item.entries().get("start").text().strip() + "; expected before the end of the run, "
                    + Units.formatNs(endNs) + " (warmUp " + Units.formatNs(warmUpNs) + " + duration "
                    + Units.formatNs(durationNs) + "): an app that starts at the end or later sends nothing");
            }
        }
    }

    /** Every redial starts before the run ends ({@code warmUp + duration}). */
    private static void redialsWithinTheRun(final ConfigNode root, final Wan wan, final long warmUpNs,
        final long durationNs) throws ConfigException {
        final long endNs = warmUpNs + durationNs;
        for (int i = 0; i < wan.redials().size(); i++) {
            final Redial r = wan.redials().get(i);
            if (r.atNs() >= endNs) {
                final ConfigNode item = root.entries().get("wan").entries().get("redials").items().get(i);
                throw new ConfigReader(item).errorAt("at", "'" + item.path() + ".at' is "
                    + item.entries().get("at").text().strip() + "; expected before the end of the run, "
                    + Units.formatNs(endNs) + " (warmUp " + Units.formatNs(warmUpNs) + " + duration "
                    + Units.formatNs(durationNs) + ")");
            }
        }
    }

    /**
     * A duration with a clear message for a negative value.
     *
     * @param r the mapping
     * @param path the key's dotted path, for messages
     * @param key the key
     * @param defaultNs the default; null makes the key required
     * @param minNs smallest allowed
     * @param maxNs largest allowed
     */
    private static long nonNegativeDuration(final ConfigReader r, final String path, final String key,
        final Long defaultNs, final long minNs, final long maxNs) throws ConfigException {
        final ConfigNode v = r.node().entries().get(key);
        if (v != null && v.kind() == ConfigNode.Kind.SCALAR && v.text().strip().startsWith("-")) {
            throw v.error("'" + path + "' is " + v.text().strip() + ", a negative duration; expected a duration "
                + "from " + Units.formatNs(minNs) + " to " + Units.formatNs(maxNs));
        }
        return r.durationNs(key, defaultNs, minNs, maxNs);
    }

    private static Balancing balancing(final ConfigReader given, final Wan wan) throws ConfigException {
        final ConfigReader b = given != null ? given : ProfileOverrides.empty();
        final BalancingMode mode = enumChoice(b, "mode", BalancingMode.ECMP, BalancingMode.values(),
            BalancingMode::label);
        int policy = 1;
        long hashSeed = 0;
        int mmx = Mwan3MarkMask.DEFAULT_MASK;
        boolean sticky = false;
        // The sysctls and mwan3's globals are set whatever balances the dials (the seed's router set both
        // fib_multipath_hash_policy and mwan3): each mode reads the ones it uses, and the others are checked and
        // kept out of the model, so one file can be swept over every mode.
        final int givenPolicy = (int) b.integer("fibMultipathHashPolicy", 1L, 0, 3);
        final long givenSeed = b.integer("fibMultipathHashSeed", 0L, 0, 0xffff_ffffL);
        final int givenMmx = (int) b.integer("mmxMask", (long) Mwan3MarkMask.DEFAULT_MASK, 0, 0xffff_ffffL);
        final boolean givenSticky = b.bool("sticky", false);
        if (mode == BalancingMode.ECMP) {
            policy = givenPolicy;
            hashSeed = givenSeed;
        }
        if (mode == BalancingMode.MWAN3) {
            mmx = givenMmx;
            sticky = givenSticky;
            final int bits = Integer.bitCount(mmx);
            if (bits < 3) {
                throw b.errorAt("mmxMask", "'balancing.mmxMask' is " + hex(mmx) + " with " + bits
                    + " bits; expected a mask of at least 3 bits (mwan3 reserves 3 marks)");
            }
            final int max = new Mwan3MarkMask(mmx).interfaceMax();
            final int dials = wan.lines() * wan.dialsPerLine();
            if (dials > max) {
                throw b.errorAt(b.has("mmxMask") ? "mmxMask" : "mode", "'balancing.mode' is mwan3 with " + dials
                    + " dials, but mwan3's mark mask mmxMask " + hex(mmx) + " has " + bits
                    + " bits, which allows at most " + max + " interfaces (2^" + bits + " - 1 - 3): the "
                    + max + "-interface limit; expected at most " + max + " dials, a wider mmxMask, or mode ecmp");
            }
        }
        b.finish();
        return new Balancing(mode, policy, hashSeed, mmx, sticky);
    }

    private static String hex(final int v) {
        return "0x" + Integer.toHexString(v).toUpperCase(Locale.ROOT);
    }

    private static Firewall firewall(final ConfigReader given) throws ConfigException {
        final ConfigReader f = given != null ? given : ProfileOverrides.empty();
        final FirewallKind kind = enumChoice(f, "kind", FirewallKind.FW3, FirewallKind.values(), FirewallKind::label);
        final int max = (int) f.integer("conntrackMax", 16_384L, 16, 4_194_304);
        f.finish();
        return new Firewall(kind, max);
    }

    private static Workload workload(final ConfigReader w, final Lan lan, final Wan wan) throws ConfigException {
        final List<App> apps = new ArrayList<>();
        long flows = 0;
        for (final ConfigReader a : w.objects("apps", true, 1)) {
            final App app = app(a, lan, wan, apps.size());
            for (int i = 0; i < apps.size(); i++) {
                if (apps.get(i).name().equals(app.name())) {
                    throw a.errorAt("name", "'" + a.node().path() + ".name' is '" + app.name() + "', the name of "
                        + "workload.apps[" + i + "] too; expected a name of its own (it tells the apps' flows apart "
                        + "in the JSON)");
                }
            }
            apps.add(app);
            flows += (long) app.hosts() * app.connections();
            if (flows > MAX_FLOWS) {
                throw a.node().error("'" + a.node().path() + "' (" + app.hosts() + " hosts x " + app.connections()
                    + " connections, peers or flows) brings the workload to " + flows + " flows; expected at most "
                    + MAX_FLOWS + " in all (the engine's limit)");
            }
        }
        w.finish();
        return new Workload(List.copyOf(apps));
    }

    private static App app(final ConfigReader a, final Lan lan, final Wan wan, final int index)
        throws ConfigException {
        final String path = a.node().path();
        final AppType type = enumChoice(a, "type", null, AppType.values(), AppType::label);
        final String name = a.string("name", type.label() + (index + 1));
        final Direction direction = enumChoice(a, "direction", Direction.DOWNLOAD, Direction.values(),
            Direction::label);
        final int hosts = (int) a.integer("hosts", 1L, 1, 10_000);
        if (hosts > lan.hosts()) {
            throw a.errorAt("hosts", "'" + path + ".hosts' is " + hosts + "; expected at most lan.hosts ("
                + lan.hosts() + ")");
        }
        final long start = a.durationNs("start", 0L, 0, 3_600 * NS_PER_S);
        int connections;
        String cc = "cubic";
        String pattern = null;
        long rate = 0;
        int packet = 0;
        switch (type) {
            case BROWSER:
                connections = (int) a.integer("connections", 6L, 1, 4096);
                break;
            case DOWNLOADER:
            case SPEEDTEST:
                connections = (int) a.integer("connections", 8L, 1, 4096);
                break;
            case P2P:
                connections = (int) a.integer("peers", 64L, 1, 4096);
                break;
            case UDP:
                connections = (int) a.integer("flows", 1L, 1, 4096);
                pattern = a.choice("pattern", "cbr", "cbr", "poisson", "onoff");
                rate = rate(a, path + ".rate", "rate", -1, false);
                packet = (int) a.integer("packetBytes", 1200L, 64, 1500);
                if (packet > wan.mtu()) {
                    // pktsim does not fragment: Linux would drop it at the dial (DF, or IPv6) with an ICMP error
                    throw a.errorAt("packetBytes", "'" + path + ".packetBytes' is " + packet + ", above the dials' "
                        + "MTU " + wan.mtu() + (wan.pppoe() ? " (PPPoE)" : "") + ": the router would not forward it "
                        + "whole (ICMP fragmentation needed, or packet too big), and pktsim does not fragment; "
                        + "expected at most " + wan.mtu());
                }
                break;
            default:
                throw new IllegalStateException("unhandled app type " + type);
        }
        long timeout = 0;
        long connectTimeout = 0;
        int maxTries = 0;
        if (type != AppType.UDP) {
            cc = a.choice("congestionControl", "cubic", "cubic", "newreno");
            timeout = nonNegativeDuration(a, path + ".timeout", "timeout", type.defaultTimeoutNs(), 0,
                MAX_DURATION_NS);
            connectTimeout = connectTimeout(a, path + ".connectTimeout", type.defaultConnectTimeoutNs());
        }
        if (type == AppType.DOWNLOADER || type == AppType.P2P) {
            maxTries = maxTries(a, path + ".maxTries", type);
        }
        for (final String[] k : TYPE_KEYS) {
            if (a.node().entries().containsKey(k[0]) && !k[1].contains(type.label())) {
                final ConfigNode v = a.node().entries().get(k[0]);
                final int[] at = a.node().keyPlace(k[0]);
                throw new ConfigException(v.source(), at[0], at[1], "'" + path + "." + k[0] + "' applies to type "
                    + k[1] + " only; this app's type is " + type.label());
            }
        }
        a.finish();
        return new App(name, type, direction, hosts, connections, cc, pattern, rate, packet, start, timeout,
            connectTimeout, maxTries);
    }

    /**
     * An application's {@code maxTries}: an integer from 0 to the type's limit ({@link AppType#maxTriesLimit()}:
     * 10000 for a downloader, 31 for p2p), or {@code none} (the same as 0: no limit).
     */
    private static int maxTries(final ConfigReader a, final String path, final AppType type)
        throws ConfigException {
        final String key = "maxTries";
        final int limit = type.maxTriesLimit();
        final String expected = "an integer from 0 to " + limit + ", or none (0 or none: no limit)"
            + (type == AppType.P2P ? "; libtorrent's failcount stops at 31" : "");
        if (noneOrChecked(a, path, key, expected, "number", ConfigReader::parseInteger, limit)) {
            return 0;
        }
        return (int) a.integer(key, (long) type.defaultMaxTries(), 0, limit);
    }

    /**
     * An application's {@code connectTimeout}: a duration from 0 to 3600s, or {@code none} (the same as 0: only
     * the kernel's connect timeout, 131 s).
     */
    private static long connectTimeout(final ConfigReader a, final String path, final long defaultNs)
        throws ConfigException {
        final String key = "connectTimeout";
        final String expected = "a duration such as 60s or 15s, from 0ns to " + Units.formatNs(MAX_DURATION_NS)
            + ", or none (0 or none: only the kernel's connect timeout, 131 s)";
        if (noneOrChecked(a, path, key, expected, "duration", Units::parseDurationNs, MAX_DURATION_NS)) {
            return 0L;
        }
        return a.durationNs(key, defaultNs, 0, MAX_DURATION_NS);
    }

    /**
     * A key that takes {@code none} or a value from 0 to {@code max}: true (the key read) when it is {@code none};
     * else a scalar that is negative, does not parse or is above {@code max} is refused with {@code expected}
     * (which names {@code none}, unlike the reader's own messages), and the caller reads the value.
     */
    private static boolean noneOrChecked(final ConfigReader a, final String path, final String key,
        final String expected, final String noun, final java.util.function.ToLongFunction<String> parse,
        final long max) throws ConfigException {
        final ConfigNode v = a.node().entries().get(key);
        if (v == null || v.kind() != ConfigNode.Kind.SCALAR) {
            return false;
        }
        final String text = v.text().strip();
        if ("none".equals(text)) {
            a.string(key, "none");
            return true;
        }
        if (text.startsWith("-")) {
            throw v.error("'" + path + "' is " + text + ", a negative " + noun + "; expected " + expected);
        }
        final long value;
        try {
            value = parse.applyAsLong(text);
        } catch (final IllegalArgumentException e) {
            throw v.error("'" + path + "' is '" + text + "'; expected " + expected);
        }
        if (value > max) {
            throw v.error("'" + path + "' is " + text + "; expected " + expected);
        }
        return false;
    }

    private static Outputs outputs(final ConfigReader o) throws ConfigException {
        if (o == null) {
            return new Outputs(null, null, null);
        }
        final String json = o.string("json", "");
        final String pcap = o.string("pcapDir", "");
        final String trace = o.string("trace", "");
        o.finish();
        return new Outputs(json.isEmpty() ? null : json, pcap.isEmpty() ? null : pcap, trace.isEmpty() ? null : trace);
    }

    /**
     * A rate with a clear message for a negative value.
     *
     * @param r the mapping
     * @param path the key's dotted path, for messages
     * @param key the key
     * @param defaultBps the default; negative makes the key required
     * @param zeroAllowed whether 0 (meaning none) is allowed
     */
    private static long rate(final ConfigReader r, final String path, final String key, final long defaultBps,
        final boolean zeroAllowed) throws ConfigException {
        final ConfigNode v = r.node().entries().get(key);
        if (v != null && v.kind() == ConfigNode.Kind.SCALAR && v.text().strip().startsWith("-")) {
            throw v.error("'" + path + "' is " + v.text().strip() + ", a negative rate; expected a rate such as "
                + "100mbit, 1gbit or 500kbit" + (zeroAllowed ? " (0 for none)" : ""));
        }
        return r.rateBps(key, defaultBps < 0 ? null : defaultBps, zeroAllowed ? 0 : 1, MAX_RATE_BPS);
    }

    /** Maps a label to an enum constant through {@link ConfigReader#choice}, with its "did you mean". */
    private static <E extends Enum<E>> E enumChoice(final ConfigReader r, final String key, final E defaultValue,
        final E[] values, final java.util.function.Function<E, String> label) throws ConfigException {
        final String[] labels = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            labels[i] = label.apply(values[i]);
        }
        final String chosen = r.choice(key, defaultValue == null ? null : label.apply(defaultValue), labels);
        for (final E e : values) {
            if (label.apply(e).equals(chosen)) {
                return e;
            }
        }
        throw new IllegalStateException("choice returned " + chosen);
    }

    /**
     * The nearest preset name, for messages elsewhere.
     *
     * @param word what was written
     * @return the nearest preset label or null
     */
    public static String nearestPreset(final String word) {
        return Suggest.nearest(word, Preset.labels());
    }

    private static String sha256(final byte[] bytes) {
        try {
            final byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            final StringBuilder sb = new StringBuilder(64);
            for (final byte b : d) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
