package io.pktsim.lb.router;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.pktsim.stack.profile.DeviceProfile;

/**
 * One whole-router run: the device, the LAN and WAN topology, IP version, balancing, offload, firewall, qdisc, the
 * workload, the timing, the seed and the outputs. Plain immutable data; every record validates its own ranges in
 * its constructor and throws {@link IllegalArgumentException} naming the field, the value and what is allowed (the
 * CLI validates YAML before building it, so these are invariants, not user errors).
 *
 * @param profile  the device profile (CPU, driver, NAPI knobs, cost table); not changed by the simulation
 * @param lan      the LAN side
 * @param wan      the WAN side and the ISP
 * @param ipv6     true: the workload runs over IPv6 with NAT6 masquerade per dial (as multi-dial OpenWrt setups
 *                 do; flow labels per connection); false: IPv4 with masquerade per dial
 * @param balancing how connections are spread over the dials
 * @param offload  the forwarding short-cut
 * @param firewall the firewall preset and conntrack size
 * @param qdisc    the root qdisc of every egress device
 * @param workload the applications, in order (flow ids follow this order)
 * @param durationNs measured simulated time after the warm-up, ns (&gt; 0)
 * @param warmupNs simulated time before measurement starts, ns (&gt;= 0); counters are reset at its end
 * @param seed     the seed of all random streams
 * @param run      the run number (independent replications with one seed)
 * @param outputs  optional pcap and trace outputs
 */
public record RouterConfig(DeviceProfile profile, Lan lan, Wan wan, boolean ipv6, Balancing balancing,
                           OffloadMode offload, Firewall firewall, QdiscKind qdisc, List<App> workload,
                           long durationNs, long warmupNs, long seed, long run, Outputs outputs) {

    /** Validates and copies the workload list. */
    public RouterConfig {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(lan, "lan");
        Objects.requireNonNull(wan, "wan");
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(offload, "offload");
        Objects.requireNonNull(firewall, "firewall");
        Objects.requireNonNull(qdisc, "qdisc");
        Objects.requireNonNull(outputs, "outputs");
        workload = List.copyOf(workload);
        positive("durationNs", durationNs);
        if (warmupNs < 0) {
            throw new IllegalArgumentException("warmupNs = " + warmupNs + ", allowed >= 0");
        }
        if (run < 0) {
            throw new IllegalArgumentException("run = " + run + ", allowed >= 0");
        }
        for (App app : workload) {
            if (app.hosts() > lan.hosts()) {
                throw new IllegalArgumentException("workload app " + app.kind() + " hosts = " + app.hosts()
                        + ", allowed <= lan.hosts = " + lan.hosts());
            }
        }
    }

    /**
     * @param newProfile the device profile
     * @return this configuration on another device profile
     */
    public RouterConfig withProfile(final DeviceProfile newProfile) {
        return new RouterConfig(newProfile, lan, wan, ipv6, balancing, offload, firewall, qdisc, workload,
                durationNs, warmupNs, seed, run, outputs);
    }

    /**
     * @param newQdisc eth0's root qdisc
     * @return this configuration with another root qdisc
     */
    public RouterConfig withQdisc(final QdiscKind newQdisc) {
        return new RouterConfig(profile, lan, wan, ipv6, balancing, offload, firewall, newQdisc, workload,
                durationNs, warmupNs, seed, run, outputs);
    }

    /**
     * @param newDurationNs the measured time, ns
     * @param newWarmupNs the warm-up before it, ns
     * @return this configuration with another timing
     */
    public RouterConfig withTiming(final long newDurationNs, final long newWarmupNs) {
        return new RouterConfig(profile, lan, wan, ipv6, balancing, offload, firewall, qdisc, workload,
                newDurationNs, newWarmupNs, seed, run, outputs);
    }

    /**
     * @param newOutputs the pcap taps and trace to write
     * @return this configuration with other outputs
     */
    public RouterConfig withOutputs(final Outputs newOutputs) {
        return new RouterConfig(profile, lan, wan, ipv6, balancing, offload, firewall, qdisc, workload,
                durationNs, warmupNs, seed, run, newOutputs);
    }

    /** @return total number of dials, {@code lines * dialsPerLine} */
    public int dials() {
        return wan.lines() * wan.dialsPerLine();
    }

    /** @return total simulated time, warm-up included, ns */
    public long totalNs() {
        return warmupNs + durationNs;
    }

    /**
     * The LAN side: hosts behind the LAN port ({@code eth0.1} through the MT7530).
     *
     * @param hosts       number of LAN hosts (1..4096)
     * @param portRateBps the LAN port's line rate, bits/s (e.g. 1_000_000_000)
     * @param bridge      whether the LAN port is a port of the bridge {@code br-lan} (OpenWrt's LAN): every frame
     *                    of the classic path crosses it, the flowtable's fast path where its hook sits above it
     */
    public record Lan(int hosts, long portRateBps, boolean bridge) {
        /** Validates. */
        public Lan {
            range("lan.hosts", hosts, 1, 4096);
            positive("lan.portRateBps", portRateBps);
        }

        /**
         * A LAN without a bridge: the LAN port's device is the LAN interface.
         *
         * @param hosts       client hosts
         * @param portRateBps the LAN port's line rate, bits/s
         */
        public Lan(final int hosts, final long portRateBps) {
            this(hosts, portRateBps, false);
        }
    }

    /**
     * The WAN side and the ISP: physical lines (switch ports, one VLAN {@code eth0.N} each), dials per line (one
     * macvlan and, with PPPoE, one session device each), shaping at the access server, and the servers.
     *
     * @param lines          physical ISP ports / VLANs (1..8)
     * @param dialsPerLine   dials (macvlans) per line (1..128); dial 0 of a line uses the VLAN device itself when 1
     * @param lineRateBps    line rate of each physical ISP port, bits/s
     * @param dialShapingBps per-dial rate the access server enforces, both directions, bits/s (0 = unshaped)
     * @param pppoe          true: each dial is a PPPoE session (8-byte encapsulation, MTU 1492, MSS clamped)
     * @param mtu            the MTU of the WAN path (the dial device's MTU), bytes (576..9000; 1492 with PPPoE)
     * @param serverRttNs    round-trip time from the access server to the servers and back, ns
     * @param servers        number of distinct servers (1..65536)
     * @param redials        the scheduled redials (dial flaps), in any order; a dial's redials must not overlap
     */
    public record Wan(int lines, int dialsPerLine, long lineRateBps, long dialShapingBps, boolean pppoe, int mtu,
                      long serverRttNs, int servers, List<Redial> redials) {
        /** Validates and copies the redial list. */
        public Wan {
            range("wan.lines", lines, 1, 8);
            range("wan.dialsPerLine", dialsPerLine, 1, 128);
            positive("wan.lineRateBps", lineRateBps);
            if (dialShapingBps < 0) {
                throw new IllegalArgumentException("wan.dialShapingBps = " + dialShapingBps + ", allowed >= 0");
            }
            range("wan.mtu", mtu, 576, 9000);
            if (serverRttNs < 0) {
                throw new IllegalArgumentException("wan.serverRttNs = " + serverRttNs + ", allowed >= 0");
            }
            range("wan.servers", servers, 1, 65536);
            redials = List.copyOf(Objects.requireNonNull(redials, "wan.redials"));
            final int dials = lines * dialsPerLine;
            for (int i = 0; i < redials.size(); i++) {
                final Redial r = redials.get(i);
                if (r.dial() >= dials) {
                    throw new IllegalArgumentException("wan.redials[" + i + "].dial = " + r.dial() + ", allowed 0.."
                            + (dials - 1) + " (lines * dialsPerLine = " + dials + " dials)");
                }
                for (int j = 0; j < i; j++) {
                    final Redial o = redials.get(j);
                    if (o.dial() == r.dial() && r.atNs() < o.upNs() && o.atNs() < r.upNs()) {
                        throw new IllegalArgumentException("wan.redials[" + i + "] = " + r + " overlaps wan.redials["
                                + j + "] = " + o + ", allowed: a dial's later redial at or after the earlier one's"
                                + " atNs + downNs");
                    }
                }
            }
        }

        /**
         * The WAN side without redials.
         *
         * @param lines          physical ISP ports / VLANs (1..8)
         * @param dialsPerLine   dials (macvlans) per line (1..128)
         * @param lineRateBps    line rate of each physical ISP port, bits/s
         * @param dialShapingBps per-dial rate the access server enforces, bits/s (0 = unshaped)
         * @param pppoe          true: each dial is a PPPoE session
         * @param mtu            the MTU of the WAN path, bytes (576..9000)
         * @param serverRttNs    round-trip time from the access server to the servers and back, ns
         * @param servers        number of distinct servers (1..65536)
         */
        public Wan(final int lines, final int dialsPerLine, final long lineRateBps, final long dialShapingBps,
                   final boolean pppoe, final int mtu, final long serverRttNs, final int servers) {
            this(lines, dialsPerLine, lineRateBps, dialShapingBps, pppoe, mtu, serverRttNs, servers, List.of());
        }
    }

    /**
     * One redial of one dial: at {@code atNs} from the run's start (warm-up included) the dial's PPPoE session (or
     * the DHCP lease of a plain dial) drops, and it comes back {@code downNs} later with a new session id and
     * address. While it is down the dial device is down: conntrack drops the connections masqueraded through it
     * ({@code masq_device_event()}, net/netfilter/nf_nat_masquerade.c, 6.18), the flowtable its flows, and the
     * multipath route the nexthop ({@code fib_rebalance()}, net/ipv4/fib_semantics.c).
     *
     * @param dial   the dial, 0-based and line-major: {@code line * dialsPerLine + k} (&gt;= 0, below the dial count)
     * @param atNs   when the session drops, ns from the run's start, warm-up included (&gt;= 0)
     * @param downNs how long the dial stays down before it has a new session, ns (&gt; 0)
     */
    public record Redial(int dial, long atNs, long downNs) {
        /** Validates. */
        public Redial {
            if (dial < 0) {
                throw new IllegalArgumentException("redial.dial = " + dial + ", allowed >= 0");
            }
            if (atNs < 0) {
                throw new IllegalArgumentException("redial.atNs = " + atNs + ", allowed >= 0");
            }
            positive("redial.downNs", downNs);
        }

        /** @return when the dial is up again, ns from the run's start: {@code atNs + downNs} */
        public long upNs() {
            return atNs + downNs;
        }
    }

    /** How connections are spread over the dials. */
    public enum BalanceMode {
        /** One default route through dial 0. */
        NONE,
        /** A multipath route over all dials, chosen by {@code fib_multipath_hash()} (lb.ecmp). */
        ECMP,
        /** mwan3: per-connection statistic choice, marked in conntrack (sticky), policy routing per dial. */
        MWAN3,
        /** Per-packet round robin (the unsafe {@code lb.rr} policy). */
        PER_PACKET
    }

    /**
     * The balancing policy.
     *
     * @param mode       the policy
     * @param hashPolicy ECMP: {@code fib_multipath_hash_policy} 0..3
     * @param hashSeed   ECMP: {@code fib_multipath_hash_seed} (0 = literal 0)
     * @param sticky     mwan3: the policy's {@code sticky} option (a connection keeps its dial across rule reloads)
     * @param markMask   mwan3: {@code mmx_mask} (e.g. 0x3F00)
     */
    public record Balancing(BalanceMode mode, int hashPolicy, long hashSeed, boolean sticky, int markMask) {
        /** Validates. */
        public Balancing {
            Objects.requireNonNull(mode, "balancing.mode");
            range("balancing.hashPolicy", hashPolicy, 0, 3);
            if (hashSeed < 0 || hashSeed > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("balancing.hashSeed = " + hashSeed + ", allowed 0..2^32-1");
            }
            if (mode == BalanceMode.MWAN3 && markMask == 0) {
                throw new IllegalArgumentException("balancing.markMask = 0, mwan3 needs a non-zero mmx_mask");
            }
        }

        /** @param policy the hash policy; @return ECMP with that policy and seed 0 */
        public static Balancing ecmp(final int policy) {
            return new Balancing(BalanceMode.ECMP, policy, 0L, false, 0x3F00);
        }

        /** @return mwan3 with OpenWrt's default mask 0x3F00, not sticky */
        public static Balancing mwan3() {
            return new Balancing(BalanceMode.MWAN3, 0, 0L, false, 0x3F00);
        }

        /** @return a single default route */
        public static Balancing none() {
            return new Balancing(BalanceMode.NONE, 0, 0L, false, 0x3F00);
        }
    }

    /** The forwarding short-cut. */
    public enum OffloadMode {
        /** Every packet takes the full slow path. */
        NONE,
        /** nftables software flow offload ({@code flow_offloading 1}). */
        FLOWTABLE,
        /** Software flow offload plus the MT7621 PPE ({@code flow_offloading_hw 1}). */
        PPE
    }

    /** The firewall's rule structure (router-facts.md section 7). */
    public enum FirewallKind {
        /** fw3 on iptables from 2020 on: linear chains, rules per zone device, two TCPMSS rules per dial. */
        FW3,
        /** fw3 on iptables as shipped until late 2019 (OpenWrt 18.06, LEDE): one TCPMSS rule per dial. */
        FW3_2019,
        /** fw4 on nftables: sets and verdict maps. */
        FW4
    }

    /**
     * The firewall and connection tracking.
     *
     * @param kind          fw3 or fw4
     * @param conntrackMax  {@code nf_conntrack_max} (16..4_194_304)
     */
    public record Firewall(FirewallKind kind, int conntrackMax) {
        /** Validates. */
        public Firewall {
            Objects.requireNonNull(kind, "firewall.kind");
            range("firewall.conntrackMax", conntrackMax, 16, 4_194_304);
        }
    }

    /** The root qdisc of every egress device. */
    public enum QdiscKind {
        /** fq_codel (OpenWrt's default). */
        FQ_CODEL,
        /** pfifo_fast. */
        PFIFO_FAST
    }

    /** An application's traffic shape. */
    public enum AppKind {
        /** A browser: {@code connections} TCP connections per host (Firefox: 6 per server). */
        BROWSER,
        /** A multi-thread downloader: {@code connections} TCP connections per host to one server. */
        DOWNLOADER,
        /** P2P: {@code connections} TCP connections per host to distinct peers. */
        P2P,
        /** A speed test: {@code connections} parallel TCP connections per host to one server. */
        SPEEDTEST,
        /** UDP at a constant bit rate. */
        UDP_CBR,
        /** UDP with Poisson arrivals at a mean rate. */
        UDP_POISSON,
        /** UDP on/off (exponential on and off periods, CBR while on). */
        UDP_ONOFF;

        private static final long NS_PER_S = 1_000_000_000L;

        /**
         * The application's own idle timeout by default ({@link App#idleTimeoutNs}), ns; 0: never.
         * <ul>
         * <li>browser: 300 s, Firefox's {@code network.http.response.timeout} (modules/libpref/init/all.js:
         * {@code pref("network.http.response.timeout", 300)}, "Timeout connections if an initial response is not
         * received after 5 mins");</li>
         * <li>downloader: 60 s, aria2's {@code --timeout} (src/OptionHandlerFactory.cc: {@code PREF_TIMEOUT}
         * default "60", 1 to 600);</li>
         * <li>p2p: 120 s, libtorrent's {@code settings_pack::peer_timeout} (src/settings_pack.cpp:
         * {@code SET(peer_timeout, 120, ...)});</li>
         * <li>speedtest: 0, a speed test measures for a fixed time and does not reopen connections;</li>
         * <li>the UDP kinds: 0.</li>
         * </ul>
         *
         * @return the default idle timeout, ns (0: never)
         */
        public long defaultIdleTimeoutNs() {
            switch (this) {
                case BROWSER:
                    return 300 * NS_PER_S;
                case DOWNLOADER:
                    return 60 * NS_PER_S;
                case P2P:
                    return 120 * NS_PER_S;
                default:
                    return 0L;
            }
        }

        /**
         * The application's own connect timeout by default ({@link App#connectTimeoutNs}), ns; 0: none, only the
         * kernel's (a connect fails after its tenth SYN sent again, 131 s).
         * <ul>
         * <li>browser: 90 s, Firefox's {@code network.http.connection-timeout} (modules/libpref/init/all.js:
         * {@code pref("network.http.connection-timeout", 90)}, "The number of seconds after sending initial SYN for
         * an HTTP connection to give up if the OS does not give up first");</li>
         * <li>downloader: 60 s, aria2's {@code --connect-timeout} (src/OptionHandlerFactory.cc:
         * {@code PREF_CONNECT_TIMEOUT} default "60", 1 to 600);</li>
         * <li>p2p: 15 s, libtorrent's {@code settings_pack::peer_connect_timeout} (src/settings_pack.cpp:
         * {@code SET(peer_connect_timeout, 15, ...)});</li>
         * <li>speedtest: 0, iperf3's {@code --connect-timeout} is unset by default ({@code connect_timeout = -1}:
         * a blocking {@code connect()}, the kernel's time);</li>
         * <li>the UDP kinds: 0.</li>
         * </ul>
         *
         * @return the default connect timeout, ns (0: none)
         */
        public long defaultConnectTimeoutNs() {
            switch (this) {
                case BROWSER:
                    return 90 * NS_PER_S;
                case DOWNLOADER:
                    return 60 * NS_PER_S;
                case P2P:
                    return 15 * NS_PER_S;
                default:
                    return 0L;
            }
        }

        /**
         * The application's limit on its failed tries by default ({@link App#maxTries}); 0: none.
         * <ul>
         * <li>downloader: 5, aria2's {@code --max-tries} (src/OptionHandlerFactory.cc: {@code PREF_MAX_TRIES}
         * default "5", 0 for unlimited): {@code AbstractCommand::execute()} (src/AbstractCommand.cc) counts every
         * {@code DlRetryEx} in the {@code Request}'s {@code tryCount} (a connect timeout, the {@code --timeout}, a
         * socket error such as a reset or {@code ETIMEDOUT}) and gives the URI up once it reaches the limit; nothing
         * sets it back after a transfer;</li>
         * <li>p2p: 3, libtorrent's {@code settings_pack::max_failcount} (src/settings_pack.cpp:
         * {@code SET(max_failcount, 3, ...)}): a peer whose {@code failcount} reached it is no connect candidate
         * any more ({@code peer_list::is_connect_candidate()}, src/peer_list.cpp);</li>
         * <li>browser: 0, Firefox's {@code network.http.request.max-attempts} (10) limits the restarts of one
         * request, not the connections a browser goes on opening to a server for its next requests;</li>
         * <li>speedtest: 0, iperf3 connects each stream once ({@code iperf_create_streams()},
         * src/iperf_client_api.c, fails the test at the first stream that does not connect): no count to
         * limit;</li>
         * <li>the UDP kinds: 0.</li>
         * </ul>
         *
         * @return the default limit, failed tries (0: none)
         */
        public int defaultMaxTries() {
            switch (this) {
                case DOWNLOADER:
                    return 5;
                case P2P:
                    return 3;
                default:
                    return 0;
            }
        }

        /**
         * @return the largest {@link App#maxTries} this kind takes: 31 for p2p (libtorrent's {@code failcount} is
         *     a 5-bit field, {@code torrent_peer::failcount}, so a larger {@code max_failcount} never stops it),
         *     10000 for a downloader, 0 for the others (no limit of their own)
         */
        public int maxTriesLimit() {
            switch (this) {
                case DOWNLOADER:
                    return 10_000;
                case P2P:
                    return 31;
                default:
                    return 0;
            }
        }
    }

    /** Which way the payload flows. */
    public enum Direction {
        /** Server to LAN host (WAN to LAN). */
        DOWNLOAD,
        /** LAN host to server (LAN to WAN). */
        UPLOAD
    }

    /** TCP congestion control. */
    public enum CongestionControl {
        /** RFC 6582 NewReno. */
        NEWRENO,
        /** CUBIC (RFC 8312, Linux {@code tcp_cubic.c}). */
        CUBIC
    }

    /**
     * One application of the workload.
     *
     * @param kind        the traffic shape
     * @param hosts       number of LAN hosts running it (the first {@code hosts} hosts)
     * @param connections connections (TCP) or flows (UDP) per host (1..4096)
     * @param direction   download or upload
     * @param congestionControl TCP only
     * @param rateBps     UDP: the (mean/on) rate per flow, bits/s; TCP: 0 (greedy) or an application-limited rate
     * @param packetBytes UDP: the IP packet size, bytes; TCP: 0 for MSS-sized segments
     * @param startNs     when the app starts, ns from the beginning of the run (flows stagger from there)
     * @param idleTimeoutNs TCP: the application's idle timeout: a connection with data outstanding that makes no
     *                    progress for this long is closed by the application, which opens a new one (aria2's
     *                    {@code --timeout}, libtorrent's {@code peer_timeout}, Firefox's
     *                    {@code network.http.response.timeout}); 0: never; UDP: 0. Ns (&gt;= 0); the kind's default
     *                    is {@link AppKind#defaultIdleTimeoutNs()}. It does not apply while the connection is
     *                    still opening ({@code SYN_SENT}): the connect timeout does
     * @param connectTimeoutNs TCP: the application's connect timeout: a connection still opening
     *                    ({@code SYN_SENT}) this long after its {@code connect()} is closed by the application, which
     *                    opens a new one (aria2's {@code --connect-timeout}, libtorrent's
     *                    {@code peer_connect_timeout}, Firefox's {@code network.http.connection-timeout}); 0: none,
     *                    only the kernel's 131 s; UDP: 0. Ns (&gt;= 0); the kind's default is
     *                    {@link AppKind#defaultConnectTimeoutNs()}
     * @param maxTries    downloader and p2p: the failed tries after which the application gives a connection up
     *                    and opens none in its place (aria2's {@code --max-tries}, libtorrent's
     *                    {@code max_failcount}; what counts as a failed try is the application's,
     *                    docs/workloads.md); 0: no limit; 0 to {@link AppKind#maxTriesLimit()}; the other kinds: 0.
     *                    The kind's default is {@link AppKind#defaultMaxTries()}
     */
    public record App(AppKind kind, int hosts, int connections, Direction direction,
                      CongestionControl congestionControl, long rateBps, int packetBytes, long startNs,
                      long idleTimeoutNs, long connectTimeoutNs, int maxTries) {
        /** Validates. */
        public App {
            Objects.requireNonNull(kind, "app.kind");
            Objects.requireNonNull(direction, "app.direction");
            Objects.requireNonNull(congestionControl, "app.congestionControl");
            range("app.hosts", hosts, 1, 4096);
            range("app.connections", connections, 1, 4096);
            if (rateBps < 0) {
                throw new IllegalArgumentException("app.rateBps = " + rateBps + ", allowed >= 0");
            }
            if (kind.ordinal() >= AppKind.UDP_CBR.ordinal()) {
                positive("app.rateBps", rateBps);
                range("app.packetBytes", packetBytes, 64, 9000);
            } else if (packetBytes != 0) {
                range("app.packetBytes", packetBytes, 64, 9000);
            }
            if (startNs < 0) {
                throw new IllegalArgumentException("app.startNs = " + startNs + ", allowed >= 0");
            }
            if (idleTimeoutNs < 0) {
                throw new IllegalArgumentException("app.idleTimeoutNs = " + idleTimeoutNs + ", allowed >= 0");
            }
            if (kind.ordinal() >= AppKind.UDP_CBR.ordinal() && idleTimeoutNs != 0) {
                throw new IllegalArgumentException("app.idleTimeoutNs = " + idleTimeoutNs + ", allowed 0 for "
                        + kind);
            }
            if (connectTimeoutNs < 0) {
                throw new IllegalArgumentException("app.connectTimeoutNs = " + connectTimeoutNs + ", allowed >= 0");
            }
            if (kind.ordinal() >= AppKind.UDP_CBR.ordinal() && connectTimeoutNs != 0) {
                throw new IllegalArgumentException("app.connectTimeoutNs = " + connectTimeoutNs + ", allowed 0 for "
                        + kind);
            }
            range("app.maxTries", maxTries, 0, kind.maxTriesLimit());
        }

        /**
         * An application with its kind's default limit on its tries ({@link AppKind#defaultMaxTries()}).
         *
         * @param kind        the traffic shape
         * @param hosts       number of LAN hosts running it
         * @param connections connections (TCP) or flows (UDP) per host (1..4096)
         * @param direction   download or upload
         * @param congestionControl TCP only
         * @param rateBps     UDP: the rate per flow, bits/s; TCP: 0 (greedy) or an application-limited rate
         * @param packetBytes UDP: the IP packet size, bytes; TCP: 0 for MSS-sized segments
         * @param startNs     when the app starts, ns from the beginning of the run
         * @param idleTimeoutNs TCP: the application's idle timeout, ns (0: never); UDP: 0
         * @param connectTimeoutNs TCP: the application's connect timeout, ns (0: none, only the kernel's); UDP: 0
         */
        public App(final AppKind kind, final int hosts, final int connections, final Direction direction,
                   final CongestionControl congestionControl, final long rateBps, final int packetBytes,
                   final long startNs, final long idleTimeoutNs, final long connectTimeoutNs) {
            this(kind, hosts, connections, direction, congestionControl, rateBps, packetBytes, startNs,
                    idleTimeoutNs, connectTimeoutNs, Objects.requireNonNull(kind, "app.kind").defaultMaxTries());
        }

        /**
         * An application with its kind's default connect timeout ({@link AppKind#defaultConnectTimeoutNs()}).
         *
         * @param kind        the traffic shape
         * @param hosts       number of LAN hosts running it
         * @param connections connections (TCP) or flows (UDP) per host (1..4096)
         * @param direction   download or upload
         * @param congestionControl TCP only
         * @param rateBps     UDP: the rate per flow, bits/s; TCP: 0 (greedy) or an application-limited rate
         * @param packetBytes UDP: the IP packet size, bytes; TCP: 0 for MSS-sized segments
         * @param startNs     when the app starts, ns from the beginning of the run
         * @param idleTimeoutNs TCP: the application's idle timeout, ns (0: never); UDP: 0
         */
        public App(final AppKind kind, final int hosts, final int connections, final Direction direction,
                   final CongestionControl congestionControl, final long rateBps, final int packetBytes,
                   final long startNs, final long idleTimeoutNs) {
            this(kind, hosts, connections, direction, congestionControl, rateBps, packetBytes, startNs,
                    idleTimeoutNs, Objects.requireNonNull(kind, "app.kind").defaultConnectTimeoutNs());
        }

        /**
         * An application with its kind's default idle and connect timeouts ({@link AppKind#defaultIdleTimeoutNs()},
         * {@link AppKind#defaultConnectTimeoutNs()}).
         *
         * @param kind        the traffic shape
         * @param hosts       number of LAN hosts running it
         * @param connections connections (TCP) or flows (UDP) per host (1..4096)
         * @param direction   download or upload
         * @param congestionControl TCP only
         * @param rateBps     UDP: the rate per flow, bits/s; TCP: 0 (greedy) or an application-limited rate
         * @param packetBytes UDP: the IP packet size, bytes; TCP: 0 for MSS-sized segments
         * @param startNs     when the app starts, ns from the beginning of the run
         */
        public App(final AppKind kind, final int hosts, final int connections, final Direction direction,
                   final CongestionControl congestionControl, final long rateBps, final int packetBytes,
                   final long startNs) {
            this(kind, hosts, connections, direction, congestionControl, rateBps, packetBytes, startNs,
                    Objects.requireNonNull(kind, "app.kind").defaultIdleTimeoutNs());
        }

        /** @return true for the UDP kinds */
        public boolean udp() {
            return kind.ordinal() >= AppKind.UDP_CBR.ordinal();
        }

        /** @return total flows of this app, {@code hosts * connections} */
        public int flows() {
            return hosts * connections;
        }
    }

    /**
     * Optional outputs.
     *
     * @param pcapDir   an existing directory for the pcap taps, one {@code DEVICE.pcap} per router interface
     *                  ({@link PcapTaps}), or null for none
     * @param traceFile JSON-lines trace of every decision ({@link RouterSimulation#trace}), or null for none
     * @param pcapInterfaces the interfaces to capture, by device name ({@link RouterSimulation#interfaceNames});
     *                  empty for all of them
     */
    public record Outputs(Path pcapDir, Path traceFile, List<String> pcapInterfaces) {
        /** No outputs. */
        public static final Outputs NONE = new Outputs(null, null);

        /** Validates and copies the interface list. */
        public Outputs {
            pcapInterfaces = List.copyOf(pcapInterfaces);
            if (!pcapInterfaces.isEmpty() && pcapDir == null) {
                throw new IllegalArgumentException("outputs.pcapInterfaces = " + pcapInterfaces
                        + ", allowed only with a pcapDir");
            }
        }

        /**
         * Captures every interface.
         *
         * @param pcapDir   the pcap directory, or null for none
         * @param traceFile the trace file, or null for none
         */
        public Outputs(final Path pcapDir, final Path traceFile) {
            this(pcapDir, traceFile, List.of());
        }
    }

    private static void range(final String key, final long value, final long min, final long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " = " + value + ", allowed " + min + ".." + max);
        }
    }

    private static void positive(final String key, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " = " + value + ", allowed > 0");
        }
    }
}
