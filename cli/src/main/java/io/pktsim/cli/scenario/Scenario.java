package io.pktsim.cli.scenario;

import java.util.List;

import io.pktsim.lb.router.RouterConfig;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * A resolved scenario: everything the file said, with every default filled in, validated. Rates are bits/s,
 * durations and times nanoseconds, sizes bytes.
 *
 * @param source the file, as named on the command line
 * @param sha256 the SHA-256 of the file's bytes, lower-case hex
 * @param name the scenario's name
 * @param description one line about it
 * @param device the preset and the resolved profile
 * @param lan the LAN side
 * @param wan the WAN side: port, lines, dials
 * @param ipv6 whether the workload's traffic is IPv6 (false: IPv4 with NAT)
 * @param balancing how connections are spread over the dials
 * @param offload the flow offload
 * @param firewall the firewall and conntrack
 * @param qdisc the root qdisc of the dials
 * @param workload the applications
 * @param durationNs the measured simulated time after the warm-up, ns
 * @param warmUpNs simulated time before the measurement starts (left out of every figure), ns
 * @param seed the random seed
 * @param run the run number (independent replications of one seed)
 * @param outputs the files the run writes
 */
public record Scenario(String source, String sha256, String name, String description, Device device, Lan lan,
    Wan wan, boolean ipv6, Balancing balancing, Offload offload, Firewall firewall, Qdisc qdisc,
    Workload workload, long durationNs, long warmUpNs, long seed, long run, Outputs outputs) {

    /**
     * A copy with a different seed, run and duration (the command line's overrides).
     *
     * @param newSeed the seed
     * @param newRun the run number
     * @param newDurationNs the duration, ns
     * @return the copy
     */
    public Scenario with(final long newSeed, final long newRun, final long newDurationNs) {
        return new Scenario(source, sha256, name, description, device, lan, wan, ipv6, balancing, offload,
            firewall, qdisc, workload, newDurationNs, warmUpNs, newSeed, newRun, outputs);
    }

    /** @return the number of dials over all lines */
    public int totalDials() {
        return wan.lines() * wan.dialsPerLine();
    }

    /**
     * The device.
     *
     * @param preset the board
     * @param profile the resolved profile (the preset's built-in profile with the scenario's overrides)
     */
    public record Device(Preset preset, DeviceProfile profile) {
    }

    /**
     * The LAN side: hosts behind the router's LAN port.
     *
     * @param hosts client hosts
     * @param portRateBps the LAN port's line rate, bits/s
     * @param bridge whether the LAN port is a port of the bridge {@code br-lan} (OpenWrt's default) rather than
     *               the LAN interface's device itself
     */
    public record Lan(int hosts, long portRateBps, boolean bridge) {
    }

    /**
     * The WAN side: alike ISP lines, each on its own switch port and VLAN ({@code eth0.N}), with its dials (one
     * macvlan per dial when a line has more than one, and one PPPoE session device per dial with PPPoE).
     *
     * @param lines the ISP lines (switch ports used as WAN)
     * @param vlan the first line's VLAN id; line i uses {@code vlan + i}
     * @param lineRateBps each line's rate, bits/s (e.g. a 100 Mbit/s dorm port)
     * @param dialsPerLine dials on each line
     * @param pppoe whether each dial is a PPPoE session (false: DHCP or static on the macvlan)
     * @param mtu the dial devices' MTU, bytes (1492 with PPPoE, RFC 2516)
     * @param dialShapingBps per-dial rate the access server enforces, both directions, bits/s (0: none)
     * @param rttNs round-trip time from the router to the servers and back, ns
     * @param servers distinct servers on the Internet side
     * @param redials the scheduled redials, in file order
     */
    public record Wan(int lines, int vlan, long lineRateBps, int dialsPerLine, boolean pppoe, int mtu,
        long dialShapingBps, long rttNs, int servers, List<Redial> redials) {

        /** Copies the redial list. */
        public Wan {
            redials = List.copyOf(redials);
        }

        /**
         * The WAN side without redials.
         *
         * @param lines the ISP lines
         * @param vlan the first line's VLAN id
         * @param lineRateBps each line's rate, bits/s
         * @param dialsPerLine dials on each line
         * @param pppoe whether each dial is a PPPoE session
         * @param mtu the dial devices' MTU, bytes
         * @param dialShapingBps per-dial rate the access server enforces, bits/s (0: none)
         * @param rttNs round-trip time from the router to the servers and back, ns
         * @param servers distinct servers on the Internet side
         */
        public Wan(final int lines, final int vlan, final long lineRateBps, final int dialsPerLine,
            final boolean pppoe, final int mtu, final long dialShapingBps, final long rttNs, final int servers) {
            this(lines, vlan, lineRateBps, dialsPerLine, pppoe, mtu, dialShapingBps, rttNs, servers, List.of());
        }
    }

    /**
     * One redial (dial flap): the dial's PPPoE session (or DHCP lease) drops and comes back later with a new
     * session id and address.
     *
     * @param dial the dial, 0-based and line-major ({@code line * dialsPerLine + k}; {@code pppoe-wanD})
     * @param atNs when it drops, ns after the run's start (warm-up included)
     * @param downNs how long it stays down, ns
     */
    public record Redial(int dial, long atNs, long downNs) {
    }

    /** How connections are spread over the dials. */
    public enum BalancingMode {
        /** One default route: the first dial only. */
        NONE("none"),
        /** A multipath default route: the kernel's multipath hash per flow. */
        ECMP("ecmp"),
        /** mwan3: per-connection weighted random choice, marks restored from conntrack. */
        MWAN3("mwan3"),
        /** Per-packet round robin over the dials. */
        PER_PACKET("per-packet");

        private final String label;

        BalancingMode(final String label) {
            this.label = label;
        }

        /** @return the name written in scenarios */
        public String label() {
            return label;
        }
    }

    /**
     * Balancing.
     *
     * @param mode the policy
     * @param fibMultipathHashPolicy net.ipv4.fib_multipath_hash_policy (and IPv6's), 0..3 (ECMP)
     * @param fibMultipathHashSeed net.ipv4.fib_multipath_hash_seed (ECMP)
     * @param mmxMask mwan3's globals.mmx_mask (mwan3)
     * @param sticky mwan3's policy option sticky (mwan3)
     */
    public record Balancing(BalancingMode mode, int fibMultipathHashPolicy, long fibMultipathHashSeed, int mmxMask,
        boolean sticky) {
    }

    /** Flow offload. */
    public enum Offload {
        /** Every packet takes the full path. */
        NONE("none"),
        /** Software flow offload (nf_flowtable): established flows bypass routing, netfilter and conntrack. */
        FLOWTABLE("flowtable"),
        /** Hardware flow offload (the PPE, HWNAT) on top of the software flowtable. */
        PPE("ppe");

        private final String label;

        Offload(final String label) {
            this.label = label;
        }

        /** @return the name written in scenarios */
        public String label() {
            return label;
        }
    }

    /** The firewall implementation. */
    public enum FirewallKind {
        /** fw3: iptables, rules per zone device, two TCPMSS rules per dial (firewall3 from 2020 on, up to 21.02). */
        FW3("fw3"),
        /** fw3-2019: iptables as firewall3 shipped until late 2019 (OpenWrt 18.06, LEDE): one TCPMSS rule per dial. */
        FW3_2019("fw3-2019"),
        /** fw4: nftables (OpenWrt 22.03 and later). */
        FW4("fw4");

        private final String label;

        FirewallKind(final String label) {
            this.label = label;
        }

        /** @return the name written in scenarios */
        public String label() {
            return label;
        }
    }

    /**
     * The firewall.
     *
     * @param kind fw3 or fw4
     * @param conntrackMax net.netfilter.nf_conntrack_max, entries
     */
    public record Firewall(FirewallKind kind, int conntrackMax) {
    }

    /** The root qdisc of the dial devices. */
    public enum Qdisc {
        /** fq_codel, OpenWrt's default. */
        FQ_CODEL("fq_codel"),
        /** pfifo_fast. */
        PFIFO_FAST("pfifo_fast");

        private final String label;

        Qdisc(final String label) {
            this.label = label;
        }

        /** @return the name written in scenarios */
        public String label() {
            return label;
        }
    }

    /**
     * The workload.
     *
     * @param apps the applications, in file order
     */
    public record Workload(List<App> apps) {
    }

    /** Kinds of applications. */
    public enum AppType {
        /** A browser: connections per server as Firefox's max-persistent-connections-per-server (6). */
        BROWSER("browser"),
        /** A multi-thread downloader: N TCP connections to one server. */
        DOWNLOADER("downloader"),
        /** P2P: connections to many peers. */
        P2P("p2p"),
        /** A speed test: N TCP connections to one test server, saturating. */
        SPEEDTEST("speedtest"),
        /** UDP: CBR, Poisson or on/off. */
        UDP("udp");

        private final String label;

        AppType(final String label) {
            this.label = label;
        }

        /** @return the name written in scenarios */
        public String label() {
            return label;
        }

        /**
         * @return the application's idle timeout when the scenario names none, ns (0: never): the engine's
         *     {@link RouterConfig.AppKind#defaultIdleTimeoutNs()} for the TCP types, 0 for UDP
         */
        public long defaultTimeoutNs() {
            return this == UDP ? 0L : RouterConfig.AppKind.valueOf(name()).defaultIdleTimeoutNs();
        }

        /**
         * @return the application's connect timeout when the scenario names none, ns (0: none, only the kernel's):
         *     the engine's {@link RouterConfig.AppKind#defaultConnectTimeoutNs()} for the TCP types, 0 for UDP
         */
        public long defaultConnectTimeoutNs() {
            return this == UDP ? 0L : RouterConfig.AppKind.valueOf(name()).defaultConnectTimeoutNs();
        }

        /**
         * @return the application's limit on its failed tries when the scenario names none (0: none): the engine's
         *     {@link RouterConfig.AppKind#defaultMaxTries()}, 5 for a downloader (aria2's {@code --max-tries}), 3
         *     for p2p (libtorrent's {@code max_failcount}), 0 for the others
         */
        public int defaultMaxTries() {
            return this == UDP ? 0 : RouterConfig.AppKind.valueOf(name()).defaultMaxTries();
        }

        /**
         * @return the largest limit on its tries the type takes ({@link RouterConfig.AppKind#maxTriesLimit()}):
         *     10000 for a downloader, 31 for p2p, 0 for the others (no limit of their own)
         */
        public int maxTriesLimit() {
            return this == UDP ? 0 : RouterConfig.AppKind.valueOf(name()).maxTriesLimit();
        }
    }

    /** The direction of an application's data. */
    public enum Direction {
        /** From the servers to the LAN hosts. */
        DOWNLOAD("download"),
        /** From the LAN hosts to the servers. */
        UPLOAD("upload");

        private final String label;

        Direction(final String label) {
            this.label = label;
        }

        /** @return the name written in scenarios */
        public String label() {
            return label;
        }
    }

    /**
     * One application.
     *
     * @param name the application's name
     * @param type the kind
     * @param direction the direction of its data
     * @param hosts LAN hosts running it (the first {@code hosts} hosts)
     * @param connections per host: TCP connections (browser, downloader, speed test), peers (p2p) or UDP flows
     * @param congestionControl TCP: {@code cubic} or {@code newreno}; UDP: {@code cubic} (unused)
     * @param pattern UDP: {@code cbr}, {@code poisson} or {@code onoff}; null for TCP
     * @param rateBps UDP: the (mean, or while on) rate per flow, bits/s; TCP: 0 (as fast as TCP goes)
     * @param packetBytes UDP: the IP packet size, bytes; TCP: 0 (MSS-sized segments)
     * @param startNs when it starts, ns after the run's start
     * @param timeoutNs TCP: the application's idle timeout, ns (0: never); UDP: 0
     * @param connectTimeoutNs TCP: the application's connect timeout, ns (0: none, only the kernel's); UDP: 0
     * @param maxTries downloader and p2p: the failed tries after which the application gives a connection up (0:
     *     no limit); the other types: 0
     */
    public record App(String name, AppType type, Direction direction, int hosts, int connections,
        String congestionControl, String pattern, long rateBps, int packetBytes, long startNs, long timeoutNs,
        long connectTimeoutNs, int maxTries) {

        /**
         * An application with its type's default limit on its tries ({@link AppType#defaultMaxTries()}).
         *
         * @param name the application's name
         * @param type the kind
         * @param direction the direction of its data
         * @param hosts LAN hosts running it
         * @param connections per host: TCP connections, peers or UDP flows
         * @param congestionControl TCP: {@code cubic} or {@code newreno}
         * @param pattern UDP: {@code cbr}, {@code poisson} or {@code onoff}; null for TCP
         * @param rateBps UDP: the rate per flow, bits/s; TCP: 0
         * @param packetBytes UDP: the IP packet size, bytes; TCP: 0
         * @param startNs when it starts, ns after the run's start
         * @param timeoutNs TCP: the application's idle timeout, ns (0: never); UDP: 0
         * @param connectTimeoutNs TCP: the application's connect timeout, ns (0: none, only the kernel's); UDP: 0
         */
        public App(final String name, final AppType type, final Direction direction, final int hosts,
            final int connections, final String congestionControl, final String pattern, final long rateBps,
            final int packetBytes, final long startNs, final long timeoutNs, final long connectTimeoutNs) {
            this(name, type, direction, hosts, connections, congestionControl, pattern, rateBps, packetBytes,
                startNs, timeoutNs, connectTimeoutNs, type.defaultMaxTries());
        }

        /**
         * An application with its type's default connect timeout ({@link AppType#defaultConnectTimeoutNs()}).
         *
         * @param name the application's name
         * @param type the kind
         * @param direction the direction of its data
         * @param hosts LAN hosts running it
         * @param connections per host: TCP connections, peers or UDP flows
         * @param congestionControl TCP: {@code cubic} or {@code newreno}
         * @param pattern UDP: {@code cbr}, {@code poisson} or {@code onoff}; null for TCP
         * @param rateBps UDP: the rate per flow, bits/s; TCP: 0
         * @param packetBytes UDP: the IP packet size, bytes; TCP: 0
         * @param startNs when it starts, ns after the run's start
         * @param timeoutNs TCP: the application's idle timeout, ns (0: never); UDP: 0
         */
        public App(final String name, final AppType type, final Direction direction, final int hosts,
            final int connections, final String congestionControl, final String pattern, final long rateBps,
            final int packetBytes, final long startNs, final long timeoutNs) {
            this(name, type, direction, hosts, connections, congestionControl, pattern, rateBps, packetBytes,
                startNs, timeoutNs, type.defaultConnectTimeoutNs());
        }

        /**
         * An application with its type's default timeouts ({@link AppType#defaultTimeoutNs()},
         * {@link AppType#defaultConnectTimeoutNs()}).
         *
         * @param name the application's name
         * @param type the kind
         * @param direction the direction of its data
         * @param hosts LAN hosts running it
         * @param connections per host: TCP connections, peers or UDP flows
         * @param congestionControl TCP: {@code cubic} or {@code newreno}
         * @param pattern UDP: {@code cbr}, {@code poisson} or {@code onoff}; null for TCP
         * @param rateBps UDP: the rate per flow, bits/s; TCP: 0
         * @param packetBytes UDP: the IP packet size, bytes; TCP: 0
         * @param startNs when it starts, ns after the run's start
         */
        public App(final String name, final AppType type, final Direction direction, final int hosts,
            final int connections, final String congestionControl, final String pattern, final long rateBps,
            final int packetBytes, final long startNs) {
            this(name, type, direction, hosts, connections, congestionControl, pattern, rateBps, packetBytes,
                startNs, type.defaultTimeoutNs());
        }
    }

    /**
     * The outputs a run writes (the command line's options take precedence).
     *
     * @param json the JSON result file, {@code -} for standard output, or null
     * @param pcapDir the directory for per-interface pcap taps, or null
     * @param trace the JSON-lines decision trace file, or null
     */
    public record Outputs(String json, String pcapDir, String trace) {
    }
}
