package io.pktsim.cli.napi;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.Suggest;
import io.pktsim.cli.profile.ProfileLoader;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.core.trace.TraceNames;
import io.pktsim.core.trace.TraceSink;
import io.pktsim.stack.driver.PacketPath;
import io.pktsim.stack.profile.DeviceProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pktsim explain napi}: runs the built-in {@link NapiScenario} and narrates its first events in plain
 * words with simulated timestamps, or prints them as JSON lines. See docs/napi.md.
 */
@Command(
    name = "napi",
    mixinStandardHelpOptions = true,
    description = {
        "Narrate NIC interrupts, coalescing, NAPI polls, GRO and softirq decisions of a",
        "small scenario: a source sends TCP segments (or UDP datagrams) at a constant",
        "rate into eth0 of the profile's device."})
public final class ExplainNapiCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--profile", defaultValue = "mt7621", paramLabel = "NAME|FILE",
        description = "Device profile: mt7621, mt7620, x86 or a YAML file (default mt7621).")
    private String profile;

    @Option(names = "--rate", defaultValue = "300m", paramLabel = "BPS",
        description = "Offered load in bit/s of IP packets, with k, m or g (default 300m).")
    private String rate;

    @Option(names = "--packet-size", paramLabel = "BYTES",
        description = "IP packet size, 46..9000 (default 1500, with --pppoe 1492; the frame adds 14, with --pppoe 22).")
    private Integer packetSize;

    @Option(names = "--link", defaultValue = "1g", paramLabel = "BPS", description = "Link rate (default 1g).")
    private String link;

    @Option(names = "--weight", paramLabel = "N", description = "NAPI weight (default: the profile's, 64).")
    private Integer weight;

    @Option(names = "--budget", paramLabel = "N", description = "net.core.netdev_budget (default 300).")
    private Integer budget;

    @Option(names = "--rx-usecs", paramLabel = "US", description = "ethtool -C rx-usecs (default: the profile's).")
    private Long rxUsecs;

    @Option(names = "--rx-frames", paramLabel = "N", description = "ethtool -C rx-frames (default: the profile's).")
    private Integer rxFrames;

    @Option(names = "--no-napi", description = "Handle every frame in the interrupt, as drivers did before NAPI.")
    private boolean noNapi;

    @Option(names = "--threaded", description = "Threaded NAPI: poll in a kthread instead of the softirq.")
    private boolean threaded;

    @Option(names = "--queues", defaultValue = "1", paramLabel = "N",
        description = "RX queues, all interrupting cpu0 (default 1).")
    private int queues;

    @Option(names = "--udp", description = "Send UDP datagrams, each from a source port of its own, instead of TCP "
        + "segments: GRO passes them alone (with --gro-list it holds each as a new flow).")
    private boolean udp;

    @Option(names = "--udp-flows", paramLabel = "N", description = "With --udp: N flows of one source port each, "
        + "in turn (default: every datagram a port of its own); with --gro-list GRO chains a flow's datagrams.")
    private Integer udpFlows;

    @Option(names = "--raw-drop", description = "Drop every packet in the raw table instead of forwarding it.")
    private boolean rawDrop;

    @Option(names = "--duration", defaultValue = "2ms", paramLabel = "TIME",
        description = "Simulated time, with ns, us, ms or s (default 2ms).")
    private String duration;

    @Option(names = "--events", defaultValue = "40", paramLabel = "N", description = "Events to print (default 40).")
    private int events;

    @Option(names = "--json", description = "Print the events as JSON lines.")
    private boolean json;

    @Option(names = "--pppoe", description = "Send PPPoE session frames (a download through a PPPoE dial): "
        + "pppoe_rcv takes each apart and the ppp device's netif_rx queues it to the backlog again.")
    private boolean pppoe;

    @Option(names = "--pppoe-gro", description = "With --pppoe: OpenWrt's PPPoE GRO handler "
        + "(650-net-pppoe-implement-GRO-support.patch); mainline 6.18 has none.")
    private boolean pppoeGro;

    @Option(names = "--gro-list", description = "Fraglist GRO (ethtool -K DEV rx-gro-list on; off in mainline "
        + "6.18, on in OpenWrt): a forwarded flow's segments are chained, not merged, and any flag that differs "
        + "ends the aggregate.")
    private boolean groList;

    @Option(names = "--udp-gro-forwarding", description = "With --udp: UDP GRO of forwarded datagrams without "
        + "fraglist (ethtool -K DEV rx-udp-gro-forwarding on; off by default): a flow's datagrams are merged into "
        + "one packet; with --gro-list too, fraglist GRO chains them instead.")
    private boolean udpGroForwarding;

    @Option(names = "--only", paramLabel = "KIND[,KIND...]", split = ",", hideParamSyntax = true,
        description = "Print only these kinds of event (e.g. napi_poll,napi_repoll,time_squeeze,ksoftirqd_wake).")
    private List<String> only;

    /** The session id of {@code --pppoe}'s frames. */
    private static final int PPPOE_SESSION = 0x0011;

    /** Bad usage: one line, exit 2. */
    private static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(final String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final NapiScenario.Options o;
        final DeviceProfile p;
        try {
            o = options();
            p = new ProfileLoader().load(profile);
        } catch (final BadInput | ConfigException e) {
            err.println("pktsim explain napi: " + e.getMessage());
            err.flush();
            return PktsimMain.EXIT_USAGE;
        }
        final Recorder recorder = new Recorder(events, only == null ? null : Set.copyOf(only));
        final TraceNames names = new TraceNames();
        final NapiScenario.Result r;
        try (TraceBus bus = TraceBus.start(names, 1 << 12, recorder)) {
            r = NapiScenario.run(o, p, bus);
        }
        final String unknownKind = unknownKind(names);
        if (unknownKind != null) {
            err.println("pktsim explain napi: " + unknownKind);
            err.flush();
            return PktsimMain.EXIT_USAGE;
        }
        for (final Narrator.Recorded e : recorder.events) {
            out.println(json ? Narrator.json(e) : Narrator.line(e));
        }
        if (!json) {
            // ksoftirqd/0: the softirq work left to it after handle_softirqs' restarts (kernel/softirq.c; what top
            // lists)
            final String ksoftirqd = r.ksoftirqd0 > 0
                ? String.format(Locale.ROOT, " (ksoftirqd/0 %.1f%%)", 100 * r.ksoftirqd0) : "";
            out.printf(Locale.ROOT, "in %s: %d packets sent, %d received, %d ring drops, %d RX interrupts, %d RX polls"
                + " (%d whole-weight), %d time squeezes; cpu0 %.1f%%%s, all-CPU average %.1f%%%n", duration, r.sent,
                r.received, r.ringDrops, r.irqs, r.polls, r.fullWeightPolls, r.timeSqueeze, 100 * r.cpu0, ksoftirqd,
                100 * r.cpuAverage);
            if (pppoe) {
                out.printf(Locale.ROOT, "PPPoE: %d segments merged by GRO (%s), %d packets queued again by the ppp"
                    + " device's netif_rx (%d dropped by the full backlog), %d backlog polls%n", r.groMerged,
                    pppoeGro ? "OpenWrt's pppoe_gro_receive" : "mainline 6.18 has no GRO handler for PPPoE",
                    r.pppoeRequeued, r.pppoeBacklogDrops, r.backlogPolls);
            }
        }
        out.flush();
        return PktsimMain.EXIT_OK;
    }

    /** The kinds of event of the scenario's components, in docs/napi.md's order. */
    private static final List<String> KINDS = List.of("rx_ring_land", "rx_ring_full", "irq_held_coalescing",
        "coalesce_timer", "irq_raise", "irq_held_masked", "irq", "napi_schedule", "napi_missed", "net_rx_action",
        "gro_receive", "gro_complete", "napi_poll", "napi_repoll", "napi_complete_done", "irq_enable", "time_squeeze",
        "softirq_restart", "ksoftirqd_wake", "backlog_drop", "rps_ipi", "napi_timer");

    /**
     * An {@code --only} name that is no kind of event (of {@link #KINDS}, or registered by the scenario's components
     * when they were built; nothing is printed before this check), or null.
     */
    private String unknownKind(final TraceNames names) {
        if (only == null) {
            return null;
        }
        final List<String> kinds = new ArrayList<>(KINDS);
        for (int k = 0; k < names.kindCount(); k++) {
            if (!kinds.contains(names.kindName(k))) {
                kinds.add(names.kindName(k));
            }
        }
        if (only.isEmpty()) {
            return "--only: no kind of event given; expected one or more of " + String.join(", ", kinds);
        }
        for (final String kind : only) {
            if (!kinds.contains(kind)) {
                final String near = Suggest.nearest(kind, kinds);
                return "--only '" + kind + "': no such kind of event" + (near == null ? "" : "; did you mean '"
                    + near + "'?") + " (kinds: " + String.join(", ", kinds) + ")";
            }
        }
        return null;
    }

    private NapiScenario.Options options() throws BadInput {
        final NapiScenario.Options o = new NapiScenario.Options();
        o.rateBps = parseRate("--rate", rate);
        o.linkBps = parseRate("--link", link);
        final int size = packetSize != null ? packetSize : pppoe ? 1492 : 1500;
        if (size < 46 || size > 9000) {
            throw new BadInput("--packet-size must be 46..9000 bytes, not " + size);
        }
        o.packetBytes = size;
        if (weight != null) {
            o.weight = (int) range("--weight", weight, 1, 65_536);
        }
        if (budget != null) {
            o.budget = (int) range("--budget", budget, 1, 1_000_000);
        }
        if (rxUsecs != null) {
            o.rxUsecs = range("--rx-usecs", rxUsecs, 0, 100_000);
        }
        if (rxFrames != null) {
            o.rxFrames = (int) range("--rx-frames", rxFrames, 0, 65_536);
        }
        o.napi = !noNapi;
        o.threaded = threaded;
        o.queues = (int) range("--queues", queues, 1, 8);
        o.tcp = !udp;
        o.flows = 2;
        if (udpFlows != null) {
            if (!udp) {
                throw new BadInput("--udp-flows needs --udp (it sets the UDP datagrams' flows)");
            }
            o.udpFlows = (int) range("--udp-flows", udpFlows, 1, 1024);
        }
        if (udpGroForwarding && !udp) {
            throw new BadInput("--udp-gro-forwarding needs --udp (it is GRO for UDP datagrams)");
        }
        o.udpGroForwarding = udpGroForwarding;
        o.mode = rawDrop ? PacketPath.Mode.RAW_DROP : PacketPath.Mode.FORWARD;
        if (pppoeGro && !pppoe) {
            throw new BadInput("--pppoe-gro needs --pppoe (it is GRO for PPPoE session frames)");
        }
        if (pppoe && size > 1492) {
            throw new BadInput("--packet-size must be at most 1492 with --pppoe (a PPPoE dial's MTU: 1500 less the "
                + "8-byte PPPoE header), not " + size);
        }
        o.pppoeSession = pppoe ? PPPOE_SESSION : 0;
        o.pppoeGro = pppoeGro;
        o.groList = groList;
        o.durationNs = parseDuration(duration);
        if (events < 0) {
            throw new BadInput("--events must be 0 or more, not " + events);
        }
        return o;
    }

    private static long range(final String option, final long v, final long min, final long max) throws BadInput {
        if (v < min || v > max) {
            throw new BadInput(option + " must be " + min + ".." + max + ", not " + v);
        }
        return v;
    }

    static long parseRate(final String option, final String text) throws BadInput {
        final String t = text.strip().toLowerCase(Locale.ROOT).replace("bit/s", "").replace("bit", "")
            .replace("bps", "");
        long mult = 1;
        String digits = t;
        if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
            mult = t.endsWith("k") ? 1_000L : t.endsWith("m") ? 1_000_000L : 1_000_000_000L;
            digits = t.substring(0, t.length() - 1);
        }
        try {
            final double v = Double.parseDouble(digits);
            final long bps = Math.round(v * mult);
            if (bps < 1_000 || bps > 400_000_000_000L) {
                throw new BadInput(option + " must be 1k..400g bit/s, not '" + text + "'");
            }
            return bps;
        } catch (final NumberFormatException e) {
            throw new BadInput(option + " must be a rate such as 300m or 1g, not '" + text + "'");
        }
    }

    static long parseDuration(final String text) throws BadInput {
        final String t = text.strip().toLowerCase(Locale.ROOT);
        final String[] units = {"ns", "us", "ms", "s"};
        final long[] mult = {1L, 1_000L, 1_000_000L, 1_000_000_000L};
        for (int i = 0; i < units.length; i++) {
            if (t.endsWith(units[i])) {
                try {
                    final double v = Double.parseDouble(t.substring(0, t.length() - units[i].length()));
                    final long ns = Math.round(v * mult[i]);
                    if (ns < 1_000 || ns > 10_000_000_000L) {
                        break;
                    }
                    return ns;
                } catch (final NumberFormatException e) {
                    break;
                }
            }
        }
        throw new BadInput("--duration must be 1us..10s with a unit (ns, us, ms, s), not '" + text + "'");
    }

    /** Keeps copies of the first events. Runs on the trace bus's sink thread. */
    private static final class Recorder implements TraceSink {
        private final int max;
        private final Set<String> only;
        final List<Narrator.Recorded> events = new ArrayList<>();

        Recorder(final int max, final Set<String> only) {
            this.max = max;
            this.only = only;
        }

        @Override
        public String name() {
            return "explain";
        }

        @Override
        public void onEvent(final TraceEvent event, final TraceNames names, final boolean endOfBatch) {
            if (events.size() >= max || only != null && !only.contains(names.kindName(event.kind()))) {
                return;
            }
            final int n = names.argCount(event.kind());
            final String[] argNames = new String[n];
            final long[] args = new long[n];
            for (int i = 0; i < n; i++) {
                argNames[i] = names.argName(event.kind(), i);
                args[i] = event.arg(i);
            }
            events.add(new Narrator.Recorded(event.timeNs(), names.componentName(event.component()),
                names.kindName(event.kind()), event.packet(), argNames, args));
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
