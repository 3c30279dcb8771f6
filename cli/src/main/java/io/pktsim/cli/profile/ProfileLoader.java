package io.pktsim.cli.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.ConfigReader;
import io.pktsim.cli.config.Suggest;
import io.pktsim.cli.config.YamlConfigLoader;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * Loads device profiles strictly: a built-in one by name ({@code mt7621}, {@code mt7620}, {@code x86}) or a YAML
 * file. Every key is known or rejected with file, line, column and the nearest known key; every number is range
 * checked; the cost table names only {@link CostStage}s.
 */
public final class ProfileLoader {

    /** The built-in profiles, in the order {@code pktsim} lists them. */
    public static final List<String> BUILT_IN = List.of("mt7621", "mt7620", "x86");

    private static final String RESOURCE_DIR = "/io/pktsim/cli/profiles/";

    private final YamlConfigLoader yaml = new YamlConfigLoader();

    /**
     * Loads a built-in profile, or a file when the argument is a path (ends with {@code .yaml}/{@code .yml} or has a
     * {@code /}): a file that is missing or unreadable is an error naming it, not an unknown profile name.
     *
     * @param nameOrPath a built-in name or a path
     * @return the profile
     * @throws ConfigException on an unknown name (with a suggestion) or bad content
     * @throws IOException if the file cannot be read
     */
    public DeviceProfile load(final String nameOrPath) throws ConfigException, IOException {
        final Path p = Path.of(nameOrPath);
        if (nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml") || nameOrPath.contains("/")) {
            return parse(nameOrPath, new StringReader(YamlConfigLoader.decode(nameOrPath,
                YamlConfigLoader.readFile(p))));
        }
        if (!BUILT_IN.contains(nameOrPath)) {
            final String near = Suggest.nearest(nameOrPath, BUILT_IN);
            throw new ConfigException("profile", 1, 1, "unknown profile '" + nameOrPath + "'"
                + (near != null ? "; did you mean '" + near + "'?" : "") + " (built-in: " + String.join(", ", BUILT_IN)
                + ", or a .yaml file)");
        }
        try (InputStream in = ProfileLoader.class.getResourceAsStream(RESOURCE_DIR + nameOrPath + ".yaml")) {
            if (in == null) {
                throw new IOException("built-in profile " + nameOrPath + " is missing from the jar");
            }
            return parse(nameOrPath + ".yaml", new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    /**
     * Parses a profile.
     *
     * @param source the file name for messages
     * @param reader the YAML text
     * @return the profile
     * @throws ConfigException on bad content
     */
    public DeviceProfile parse(final String source, final Reader reader) throws ConfigException {
        final ConfigReader root = new ConfigReader(yaml.load(source, reader));
        final DeviceProfile p = new DeviceProfile();
        p.name(root.string("name", null));
        p.description(root.string("description", ""));
        final ConfigReader cpu = root.object("cpu", true);
        p.cores((int) cpu.integer("cores", null, 1, 64));
        p.threadsPerCore((int) cpu.integer("threadsPerCore", 1L, 1, 2));
        p.clockHz(cpu.integer("clockHz", null, 1_000_000L, 9_000_000_000L));
        p.smtThroughputPermille((int) Math.round(1000 * cpu.decimal("smtThroughputFactor", 1.0, 1.0, 2.0)));
        p.hz((int) cpu.integer("hz", null, 1, 10_000));
        cpu.finish();
        final ConfigReader drv = root.object("driver", true);
        p.driverName(drv.string("name", null));
        checkDriverName(drv, p.driverName());
        p.rxRingSlots(powerOfTwo(drv, "rxRingSlots"));
        p.txRingSlots(powerOfTwo(drv, "txRingSlots"));
        p.rxUsecs((int) drv.integer("rxUsecs", 0L, 0, 100_000));
        p.rxFrames((int) drv.integer("rxFrames", 1L, 0, 65_536));
        p.adaptiveRx(drv.bool("adaptiveRx", false));
        p.sharedIrq(drv.bool("sharedIrq", false));
        p.separateTxNapi(drv.bool("separateTxNapi", false));
        p.rxQueues((int) drv.integer("rxQueues", 1L, 1, DeviceProfile.MAX_RX_QUEUES));
        checkRxQueues(drv, p);
        drv.finish();
        final ConfigReader napi = root.object("napi", false);
        if (napi != null) {
            p.napiWeight((int) napi.integer("weight", 64L, 1, 65_536));
            p.netdevBudget((int) napi.integer("netdevBudget", 300L, 1, 1_000_000));
            p.netdevBudgetUsecs(napi.integer("netdevBudgetUsecs", 0L, 0, 100_000_000L));
            p.devWeight((int) napi.integer("devWeight", 64L, 1, 65_536));
            p.netdevMaxBacklog((int) napi.integer("netdevMaxBacklog", 1000L, 1, 10_000_000));
            p.groFlushTimeoutNs(napi.durationNs("groFlushTimeout", 0L, 0, 1_000_000_000L));
            p.groNormalBatch((int) napi.integer("groNormalBatch", 8L, 1, 4096));
            p.pppoeGro(napi.bool("pppoeGro", false));
            p.groList(napi.bool("groList", false));
            p.udpGroForwarding(napi.bool("udpGroForwarding", false));
            p.napiDeferHardIrqs((int) napi.integer("napiDeferHardIrqs", 0L, 0, 1_000_000));
            p.threadedNapi(napi.bool("threaded", false));
            p.rpsCpus(napi.integer("rpsCpus", 0L, 0L, 0xFFFF_FFFF_FFFFL));
            p.napiCpu((int) napi.integer("napiCpu", 0L, 0L, 63L));
            p.txNapiCpu((int) napi.integer("txNapiCpu", -1L, -1L, 63L));
            checkCpus(napi, p);
            napi.finish();
        }
        final ConfigReader costs = root.object("costs", true);
        final CostTable table = new CostTable();
        for (final CostStage s : CostStage.values()) {
            final ConfigReader c = costs.object(s.label(), false);
            if (c != null) {
                final long event = c.integer("perEvent", 0L, 0, 1_000_000_000L);
                final long packet = c.integer("perPacket", 0L, 0, 1_000_000_000L);
                final double perByte = c.decimal("perByte", 0.0, 0.0, 1_000_000.0);
                c.finish();
                table.set(s, event, packet, Math.round(perByte * 1000));
            }
        }
        costs.finish();
        p.costs(table);
        root.finish();
        return p;
    }

    private static int powerOfTwo(final ConfigReader r, final String key) throws ConfigException {
        final long v = r.integer(key, null, 2, 65_536);
        if (Long.bitCount(v) != 1) {
            throw r.errorAt(key, "'" + key + "' is " + v + "; expected a power of two from 2 to 65536");
        }
        return (int) v;
    }

    /** The driver whose NIC spreads flows over several RX queues by RSS (the only multi-queue one modelled). */
    public static final String MLX5_CORE = "mlx5_core";

    /** The MT7621's driver, the only one with a PPE (HWNAT) here. */
    public static final String MTK_ETH_SOC = "mtk_eth_soc";

    /** The drivers whose own behaviour pktsim models (any other name is a NIC with none of it). */
    private static final java.util.List<String> MODELLED_DRIVERS = java.util.List.of(MTK_ETH_SOC, "mtk_soc_eth",
        MLX5_CORE);

    /**
     * Checks {@code driver.name}: any name is allowed, but one a typo away from a driver pktsim models
     * ({@code mtk_eth_sco}) is refused with "did you mean", since it would silently lose that driver's behaviour
     * (mtk_eth_soc's DIM and PPE hash, mlx5_core's RSS queues).
     *
     * @param drv the {@code driver} section, for the error's place
     * @param name the name given
     * @throws ConfigException naming the key when the name looks like a typo
     */
    public static void checkDriverName(final ConfigReader drv, final String name) throws ConfigException {
        if (name == null || MODELLED_DRIVERS.contains(name)) {
            return;
        }
        final String near = io.pktsim.cli.config.Suggest.nearest(name, MODELLED_DRIVERS);
        if (near != null) {
            throw drv.errorAt("name", "'" + drv.node().path() + ".name' is '" + name + "'; did you mean '" + near
                + "'? (pktsim models " + String.join(", ", MODELLED_DRIVERS) + "; another name gets none of their "
                + "behaviour)");
        }
    }

    /**
     * Checks {@code rxQueues}: several queues need a NIC that hashes flows to them (mlx5), and mlx5 offers at most one
     * channel per online CPU: {@code mlx5e_get_max_num_channels()} (drivers/net/ethernet/mellanox/mlx5/core/
     * en_main.c, 6.18) is bounded by the completion vectors, {@code num_ports * num_online_cpus()}
     * ({@code mlx5_irq_table_create()}, pci_irq.c), so {@code ethtool -L combined} above that is refused.
     *
     * @param drv the {@code driver} section, for the error's place
     * @param p the profile read so far (CPU topology and driver name included)
     * @throws ConfigException naming the key when the value is not allowed
     */
    public static void checkRxQueues(final ConfigReader drv, final DeviceProfile p) throws ConfigException {
        final int n = p.cores() * p.threadsPerCore();
        final String at = drv.node().path();
        if (p.rxQueues() > 1 && !MLX5_CORE.equals(p.driverName())) {
            throw drv.errorAt("rxQueues", "'" + at + ".rxQueues' is " + p.rxQueues() + "; driver '" + p.driverName()
                + "' has one RX queue here (expected 1; several need RSS: driver '" + MLX5_CORE + "')");
        }
        if (p.rxQueues() > n) {
            throw drv.errorAt("rxQueues", "'" + at + ".rxQueues' is " + p.rxQueues()
                + "; expected 1 to " + n + " (one channel per CPU at most, as mlx5 allows)");
        }
    }

    /**
     * Checks that the NAPI CPUs and the RPS mask name CPUs the profile has.
     *
     * @param napi the {@code napi} section, for the error's place
     * @param p the profile read so far (CPU topology included)
     * @throws ConfigException naming the key when a CPU is out of range
     */
    public static void checkCpus(final ConfigReader napi, final DeviceProfile p) throws ConfigException {
        final int n = p.cores() * p.threadsPerCore();
        final String at = napi.node().path();
        if (p.napiCpu() >= n) {
            throw napi.errorAt("napiCpu", "'" + at + ".napiCpu' is " + p.napiCpu()
                + "; expected a CPU from 0 to " + (n - 1));
        }
        if (p.txNapiCpu() >= n) {
            throw napi.errorAt("txNapiCpu", "'" + at + ".txNapiCpu' is " + p.txNapiCpu()
                + "; expected -1 or a CPU from 0 to " + (n - 1));
        }
        if (n < 64 && (p.rpsCpus() >>> n) != 0) {
            throw napi.errorAt("rpsCpus", "'" + at + ".rpsCpus' is 0x" + Long.toHexString(p.rpsCpus())
                + "; expected a mask of CPUs 0 to " + (n - 1) + " (at most 0x" + Long.toHexString((1L << n) - 1) + ")");
        }
    }
}
