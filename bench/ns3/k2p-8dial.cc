/*
 * ns-3's side of issue #7's speed comparison: the nearest ns-3 (3.37) scenario to RouterBenchmark's K2P 8-dial
 * case, timed the same way (forwarded packets per wall-clock second in steady state, after a warm-up). See
 * bench/ns3/README.md for what is and is not equivalent, how to build it and how to pair it with pktsim.
 *
 *   LAN: 8 hosts and the router on one 1 Gbit/s CSMA segment (the router's LAN port), or (--lan=p2p) a 1 Gbit/s
 *   point-to-point link from the router to each host, which costs ns-3 less.
 *   WAN: 4 point-to-point lines of 100 Mbit/s, MTU 1492, PPP framing, from the router to an access node.
 *   Internet: 16 servers, each 1 Gbit/s point-to-point to the access node with 10 ms one way (RTT 20 ms).
 *   Routing: static. The access node sends the traffic for host h down line h % 4 (two hosts per line); the
 *   router sends the traffic for server s up line s % 4 (ns-3 has no per-flow ECMP in its static routing).
 *   UDP: 8 hosts x 8 constant-rate flows of 1400-byte datagrams at 6 Mbit/s each, flow f from server f % 16.
 *   TCP: a 32-connection CUBIC download (bulk send, 1440 / 1420-byte segments, 4 MB buffers), connection c to
 *   host c % 8.
 *
 * Usage: k2p-8dial [--workload=UDP|TCP] [--ipv6=0|1] [--lan=csma|p2p] [--warmUp=2] [--window=4] [--windows=5]
 * Prints one line per measured window: simulated seconds, packets forwarded by the router, wall and CPU seconds,
 * forwarded packets per wall-clock and per CPU second, and the events the window ran.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

using namespace ns3;

namespace
{

constexpr uint32_t kHosts = 8;
constexpr uint32_t kLines = 4;
constexpr uint32_t kServers = 16;
constexpr uint32_t kUdpFlowsPerHost = 8;
constexpr uint32_t kTcpConnections = 32;

uint64_t g_forwarded = 0;

void
CountForward4(const Ipv4Header&, Ptr<const Packet>, uint32_t)
{
    g_forwarded++;
}

void
CountForward6(const Ipv6Header&, Ptr<const Packet>, uint32_t)
{
    g_forwarded++;
}

double
CpuSeconds()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string workload = "UDP";
    std::string lanKind = "csma";
    bool ipv6 = false;
    double warmUpS = 2.0;
    double windowS = 4.0;
    uint32_t windows = 5;
    CommandLine cmd(__FILE__);
    cmd.AddValue("workload", "UDP or TCP", workload);
    cmd.AddValue("ipv6", "IPv6 instead of IPv4", ipv6);
    cmd.AddValue("lan", "csma (one segment) or p2p (a link per host)", lanKind);
    cmd.AddValue("warmUp", "simulated seconds before the first window", warmUpS);
    cmd.AddValue("window", "simulated seconds per measured window", windowS);
    cmd.AddValue("windows", "measured windows", windows);
    cmd.Parse(argc, argv);
    if (lanKind != "csma" && lanKind != "p2p")
    {
        std::fprintf(stderr, "k2p-8dial: --lan must be csma or p2p, not %s\n", lanKind.c_str());
        return 2;
    }
    if (workload != "UDP" && workload != "TCP")
    {
        std::fprintf(stderr, "k2p-8dial: --workload must be UDP or TCP, not %s\n", workload.c_str());
        return 2;
    }
    const bool tcp = workload == "TCP";
    // ns-3's SegmentSize is the payload of a segment: Linux's MSS (1452 / 1432 on a 1492-byte PPPoE MTU) less
    // the 12 bytes of the timestamp option, which both send on every segment
    const uint32_t mss = ipv6 ? 1420 : 1440;
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", StringValue("ns3::TcpCubic"));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(mss));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(4 << 20));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
    if (ipv6)
    {
        Config::SetDefault("ns3::Icmpv6L4Protocol::DAD", BooleanValue(false));
    }

    NodeContainer hosts(kHosts);
    Ptr<Node> router = CreateObject<Node>();
    Ptr<Node> access = CreateObject<Node>();
    NodeContainer servers(kServers);
    InternetStackHelper stack;
    stack.Install(hosts);
    stack.Install(router);
    stack.Install(access);
    stack.Install(servers);

    // the LAN: one CSMA segment (the router's one port and a hub), or a point-to-point link per host
    NetDeviceContainer lanDevs[kHosts];
    if (lanKind == "csma")
    {
        CsmaHelper lan;
        lan.SetChannelAttribute("DataRate", DataRateValue(DataRate("1Gbps")));
        lan.SetChannelAttribute("Delay", TimeValue(NanoSeconds(500)));
        NodeContainer lanNodes;
        lanNodes.Add(router);
        lanNodes.Add(hosts);
        lanDevs[0] = lan.Install(lanNodes);
    }
    else
    {
        PointToPointHelper lan;
        lan.SetDeviceAttribute("DataRate", DataRateValue(DataRate("1Gbps")));
        lan.SetChannelAttribute("Delay", TimeValue(NanoSeconds(500)));
        for (uint32_t h = 0; h < kHosts; h++)
        {
            lanDevs[h] = lan.Install(router, hosts.Get(h));
        }
    }
    const bool csma = lanKind == "csma";
    // the router's interface (and on a host: the router's address) towards host h

    PointToPointHelper line;
    line.SetDeviceAttribute("DataRate", DataRateValue(DataRate("100Mbps")));
    line.SetDeviceAttribute("Mtu", UintegerValue(1492));
    line.SetChannelAttribute("Delay", TimeValue(MicroSeconds(50)));
    NetDeviceContainer lineDevs[kLines];
    for (uint32_t l = 0; l < kLines; l++)
    {
        lineDevs[l] = line.Install(router, access);
    }

    PointToPointHelper uplink;
    uplink.SetDeviceAttribute("DataRate", DataRateValue(DataRate("1Gbps")));
    uplink.SetChannelAttribute("Delay", TimeValue(MilliSeconds(10)));
    NetDeviceContainer serverDevs[kServers];
    for (uint32_t s = 0; s < kServers; s++)
    {
        serverDevs[s] = uplink.Install(access, servers.Get(s));
    }

    // addresses and static routes; the router's interfaces: 0 loopback, then the LAN's, then the lines'
    const uint32_t lanIfs = csma ? 1 : kHosts;
    std::vector<Address> hostAddr(kHosts);
    if (!ipv6)
    {
        Ipv4AddressHelper a;
        std::vector<Ipv4Address> gw(kHosts);
        for (uint32_t i = 0; i < lanIfs; i++)
        {
            a.SetBase(Ipv4Address(("192.168." + std::to_string(i + 1) + ".0").c_str()), "255.255.255.0");
            Ipv4InterfaceContainer lanIf = a.Assign(lanDevs[i]);
            for (uint32_t h = csma ? 0 : i; h < (csma ? kHosts : i + 1); h++)
            {
                gw[h] = lanIf.GetAddress(0);
                hostAddr[h] = lanIf.GetAddress(csma ? h + 1 : 1);
            }
        }
        Ipv4InterfaceContainer lineIf[kLines];
        for (uint32_t l = 0; l < kLines; l++)
        {
            a.SetBase(Ipv4Address(("10.0." + std::to_string(l) + ".0").c_str()), "255.255.255.252");
            lineIf[l] = a.Assign(lineDevs[l]);
        }
        Ipv4InterfaceContainer serverIf[kServers];
        for (uint32_t s = 0; s < kServers; s++)
        {
            a.SetBase(Ipv4Address(("172.16." + std::to_string(s) + ".0").c_str()), "255.255.255.252");
            serverIf[s] = a.Assign(serverDevs[s]);
        }
        Ipv4StaticRoutingHelper rh;
        for (uint32_t h = 0; h < kHosts; h++)
        {
            rh.GetStaticRouting(hosts.Get(h)->GetObject<Ipv4>())->SetDefaultRoute(gw[h], 1);
        }
        Ptr<Ipv4StaticRouting> r = rh.GetStaticRouting(router->GetObject<Ipv4>());
        Ptr<Ipv4StaticRouting> acc = rh.GetStaticRouting(access->GetObject<Ipv4>());
        for (uint32_t s = 0; s < kServers; s++)
        {
            const uint32_t l = s % kLines;
            r->AddHostRouteTo(serverIf[s].GetAddress(1), lineIf[l].GetAddress(1), 1 + lanIfs + l);
            rh.GetStaticRouting(servers.Get(s)->GetObject<Ipv4>())->SetDefaultRoute(serverIf[s].GetAddress(0), 1);
        }
        for (uint32_t h = 0; h < kHosts; h++)
        {
            const uint32_t l = h % kLines;
            acc->AddHostRouteTo(Ipv4Address::ConvertFrom(hostAddr[h]), lineIf[l].GetAddress(0), 1 + l);
        }
        router->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext("UnicastForward",
                                                                       MakeCallback(&CountForward4));
    }
    else
    {
        Ipv6AddressHelper a;
        std::vector<Ipv6Address> gw(kHosts);
        for (uint32_t i = 0; i < lanIfs; i++)
        {
            a.SetBase(Ipv6Address(("fd00:1:" + std::to_string(i) + "::").c_str()), Ipv6Prefix(64));
            Ipv6InterfaceContainer lanIf = a.Assign(lanDevs[i]);
            for (uint32_t h = csma ? 0 : i; h < (csma ? kHosts : i + 1); h++)
            {
                gw[h] = lanIf.GetAddress(0, 1);
                hostAddr[h] = lanIf.GetAddress(csma ? h + 1 : 1, 1);
            }
        }
        Ipv6InterfaceContainer lineIf[kLines];
        for (uint32_t l = 0; l < kLines; l++)
        {
            a.SetBase(Ipv6Address(("fd00:2:" + std::to_string(l) + "::").c_str()), Ipv6Prefix(64));
            lineIf[l] = a.Assign(lineDevs[l]);
        }
        Ipv6InterfaceContainer serverIf[kServers];
        for (uint32_t s = 0; s < kServers; s++)
        {
            a.SetBase(Ipv6Address(("fd00:3:" + std::to_string(s) + "::").c_str()), Ipv6Prefix(64));
            serverIf[s] = a.Assign(serverDevs[s]);
        }
        Ptr<Ipv6> rIp = router->GetObject<Ipv6>();
        Ptr<Ipv6> accIp = access->GetObject<Ipv6>();
        for (uint32_t i = 1; i < rIp->GetNInterfaces(); i++)
        {
            rIp->SetForwarding(i, true);
        }
        for (uint32_t i = 1; i < accIp->GetNInterfaces(); i++)
        {
            accIp->SetForwarding(i, true);
        }
        Ipv6StaticRoutingHelper rh;
        for (uint32_t h = 0; h < kHosts; h++)
        {
            rh.GetStaticRouting(hosts.Get(h)->GetObject<Ipv6>())->SetDefaultRoute(gw[h], 1);
        }
        Ptr<Ipv6StaticRouting> r = rh.GetStaticRouting(rIp);
        Ptr<Ipv6StaticRouting> acc = rh.GetStaticRouting(accIp);
        for (uint32_t s = 0; s < kServers; s++)
        {
            const uint32_t l = s % kLines;
            r->AddHostRouteTo(serverIf[s].GetAddress(1, 1), lineIf[l].GetAddress(1, 1), 1 + lanIfs + l);
            rh.GetStaticRouting(servers.Get(s)->GetObject<Ipv6>())
                ->SetDefaultRoute(serverIf[s].GetAddress(0, 1), 1);
        }
        for (uint32_t h = 0; h < kHosts; h++)
        {
            const uint32_t l = h % kLines;
            acc->AddHostRouteTo(Ipv6Address::ConvertFrom(hostAddr[h]), lineIf[l].GetAddress(0, 1), 1 + l);
        }
        router->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext("UnicastForward",
                                                                       MakeCallback(&CountForward6));
    }

    const Time end = Seconds(warmUpS + windowS * windows + 1.0);
    // a host's socket address, and the address a sink listens on
    auto toHost = [&](uint32_t h, uint16_t port) {
        return ipv6 ? Address(Inet6SocketAddress(Ipv6Address::ConvertFrom(hostAddr[h]), port))
                    : Address(InetSocketAddress(Ipv4Address::ConvertFrom(hostAddr[h]), port));
    };
    auto anyPort = [&](uint16_t port) {
        return ipv6 ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), port))
                    : Address(InetSocketAddress(Ipv4Address::GetAny(), port));
    };
    if (!tcp)
    {
        for (uint32_t f = 0; f < kHosts * kUdpFlowsPerHost; f++)
        {
            const uint32_t h = f / kUdpFlowsPerHost;
            const uint16_t port = 9000 + f;
            PacketSinkHelper sink("ns3::UdpSocketFactory", anyPort(port));
            sink.Install(hosts.Get(h)).Start(Seconds(0));
            OnOffHelper src("ns3::UdpSocketFactory", toHost(h, port));
            src.SetConstantRate(DataRate("6Mbps"), 1400);
            ApplicationContainer app = src.Install(servers.Get(f % kServers));
            app.Start(MilliSeconds(100 + f));
            app.Stop(end);
        }
    }
    else
    {
        for (uint32_t c = 0; c < kTcpConnections; c++)
        {
            // connection c to host c % 8, so that the four lines share the connections as pktsim's ECMP spreads
            // one host's 32 over the dials (ns-3's static routes choose by destination only)
            const uint32_t h = c % kHosts;
            const uint16_t port = 5000 + c;
            PacketSinkHelper sink("ns3::TcpSocketFactory", anyPort(port));
            sink.Install(hosts.Get(h)).Start(Seconds(0));
            BulkSendHelper src("ns3::TcpSocketFactory", toHost(h, port));
            src.SetAttribute("MaxBytes", UintegerValue(0));
            src.SetAttribute("SendSize", UintegerValue(mss));
            ApplicationContainer app = src.Install(servers.Get(c % kServers));
            app.Start(MilliSeconds(100 + c));
            app.Stop(end);
        }
    }

    Simulator::Stop(Seconds(warmUpS));
    Simulator::Run();
    std::printf("# ns-3 3.37 k2p-8dial %s, warm-up %.1f s simulated: %llu forwarded\n",
                (workload + (ipv6 ? "/IPv6" : "/IPv4")).c_str(), warmUpS,
                static_cast<unsigned long long>(g_forwarded));
    std::printf("# window_s forwarded wall_s cpu_s fwd_per_wall_s fwd_per_cpu_s events\n");
    for (uint32_t w = 0; w < windows; w++)
    {
        const uint64_t before = g_forwarded;
        const uint64_t events0 = Simulator::GetEventCount();
        const auto wall0 = std::chrono::steady_clock::now();
        const double cpu0 = CpuSeconds();
        Simulator::Stop(Seconds(windowS));
        Simulator::Run();
        const double cpu = CpuSeconds() - cpu0;
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        const uint64_t n = g_forwarded - before;
        const uint64_t events = Simulator::GetEventCount() - events0;
        std::printf("%.1f %llu %.3f %.3f %.0f %.0f %llu\n", windowS, static_cast<unsigned long long>(n), wall, cpu,
                    n / wall, n / cpu, static_cast<unsigned long long>(events));
        std::fflush(stdout);
    }
    Simulator::Destroy();
    return 0;
}
