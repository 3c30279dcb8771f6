package io.pktsim.cli.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.pktsim.cli.scenario.Scenario;
import io.pktsim.lb.router.RouterConfig;

/** Maps a resolved {@link Scenario} onto the engine's {@link RouterConfig}, one field for one key. */
public final class ScenarioMapper {

    private ScenarioMapper() {
    }

    /**
     * @param s the scenario (with the command line's seed, run and duration applied)
     * @param pcapDir the pcap directory, or null
     * @param trace the trace file, or null
     * @return the engine's configuration
     * @throws IllegalArgumentException if the engine rejects a value (the loader's checks should prevent it)
     */
    public static RouterConfig toConfig(final Scenario s, final Path pcapDir, final Path trace) {
        return toConfig(s, pcapDir, trace, List.of());
    }

    /**
     * @param s the scenario (with the command line's seed, run and duration applied)
     * @param pcapDir the pcap directory, or null
     * @param trace the trace file, or null
     * @param pcapInterfaces the interfaces to capture (empty: all), only with a pcap directory
     * @return the engine's configuration
     * @throws IllegalArgumentException if the engine rejects a value (the loader's checks should prevent it)
     */
    public static RouterConfig toConfig(final Scenario s, final Path pcapDir, final Path trace,
        final List<String> pcapInterfaces) {
        final Scenario.Wan w = s.wan();
        final RouterConfig.Lan lan = new RouterConfig.Lan(s.lan().hosts(), s.lan().portRateBps(),
                s.lan().bridge());
        final List<RouterConfig.Redial> redials = new ArrayList<>();
        for (final Scenario.Redial r : w.redials()) {
            redials.add(new RouterConfig.Redial(r.dial(), r.atNs(), r.downNs()));
        }
        final RouterConfig.Wan wan = new RouterConfig.Wan(w.lines(), w.dialsPerLine(), w.lineRateBps(),
            w.dialShapingBps(), w.pppoe(), w.mtu(), w.rttNs(), w.servers(), redials);
        final Scenario.Balancing b = s.balancing();
        final RouterConfig.Balancing balancing = new RouterConfig.Balancing(balanceMode(b.mode()),
            b.fibMultipathHashPolicy(), b.fibMultipathHashSeed(), b.sticky(), b.mmxMask());
        final List<RouterConfig.App> apps = new ArrayList<>();
        for (final Scenario.App a : s.workload().apps()) {
            apps.add(new RouterConfig.App(appKind(a), a.hosts(), a.connections(),
                a.direction() == Scenario.Direction.UPLOAD ? RouterConfig.Direction.UPLOAD
                    : RouterConfig.Direction.DOWNLOAD,
                "newreno".equals(a.congestionControl()) ? RouterConfig.CongestionControl.NEWRENO
                    : RouterConfig.CongestionControl.CUBIC,
                a.rateBps(), a.packetBytes(), a.startNs(), a.timeoutNs(), a.connectTimeoutNs(), a.maxTries()));
        }
        return new RouterConfig(s.device().profile(), lan, wan, s.ipv6(), balancing, offload(s.offload()),
            new RouterConfig.Firewall(firewallKind(s.firewall().kind()), s.firewall().conntrackMax()),
            s.qdisc() == Scenario.Qdisc.PFIFO_FAST ? RouterConfig.QdiscKind.PFIFO_FAST
                : RouterConfig.QdiscKind.FQ_CODEL,
            apps, s.durationNs(), s.warmUpNs(), s.seed(), s.run(),
            new RouterConfig.Outputs(pcapDir, trace, pcapInterfaces));
    }

    private static RouterConfig.BalanceMode balanceMode(final Scenario.BalancingMode m) {
        switch (m) {
            case NONE:
                return RouterConfig.BalanceMode.NONE;
            case MWAN3:
                return RouterConfig.BalanceMode.MWAN3;
            case PER_PACKET:
                return RouterConfig.BalanceMode.PER_PACKET;
            default:
                return RouterConfig.BalanceMode.ECMP;
        }
    }

    private static RouterConfig.OffloadMode offload(final Scenario.Offload o) {
        switch (o) {
            case FLOWTABLE:
                return RouterConfig.OffloadMode.FLOWTABLE;
            case PPE:
                return RouterConfig.OffloadMode.PPE;
            default:
                return RouterConfig.OffloadMode.NONE;
        }
    }

    private static RouterConfig.AppKind appKind(final Scenario.App a) {
        switch (a.type()) {
            case BROWSER:
                return RouterConfig.AppKind.BROWSER;
            case DOWNLOADER:
                return RouterConfig.AppKind.DOWNLOADER;
            case P2P:
                return RouterConfig.AppKind.P2P;
            case SPEEDTEST:
                return RouterConfig.AppKind.SPEEDTEST;
            default:
                if ("poisson".equals(a.pattern())) {
                    return RouterConfig.AppKind.UDP_POISSON;
                }
                return "onoff".equals(a.pattern()) ? RouterConfig.AppKind.UDP_ONOFF : RouterConfig.AppKind.UDP_CBR;
        }
    }

    private static RouterConfig.FirewallKind firewallKind(final Scenario.FirewallKind kind) {
        switch (kind) {
            case FW4:
                return RouterConfig.FirewallKind.FW4;
            case FW3_2019:
                return RouterConfig.FirewallKind.FW3_2019;
            default:
                return RouterConfig.FirewallKind.FW3;
        }
    }
}
