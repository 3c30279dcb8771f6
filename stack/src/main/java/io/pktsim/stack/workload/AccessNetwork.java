package io.pktsim.stack.workload;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.endpoint.PacketSink;

/**
 * The ISP side of a scenario, built from an {@link IspConfig}: per access port a {@link LinkPipe} each way at
 * the port's line rate; per PPPoE dial a {@link TokenBucketShaper} each way at the access server (BRAS);
 * per server a link each way with half the round-trip propagation delay. Every dial has its own public address
 * and every server its own, so packets are routed by their real headers:
 *
 * <pre>
 * upstream:   client --portUp[p]--> by source address --> dial shaper up[d] --> by destination --> serverUp[s]
 *             --> serverDemux (by client port) --> server endpoint
 * downstream: server --> serverDown[s] --> by destination address --> dial shaper down[d] --> portDown[p]
 *             --> clientDemux (by client port) --> client endpoint
 * </pre>
 *
 * <p>The client side attaches at the ports: a router model takes {@link #portDown(int)}'s output (re-point it
 * with {@link LinkPipe#next(PacketSink)}) and feeds its WAN traffic into {@link #clientOutput(int)}. Without a
 * router the clients sit directly on the ports. Dial {@code d} is on port {@code d / dialsPerPort}.
 */
public final class AccessNetwork {

    /** The low 32 bits of dial 0's public address: 100.64.0.1 (IPv6: 2001:db8::100.64.0.1). */
    public static final int DIAL_BASE = 0x6440_0001;
    /** The low 32 bits of server 0's address: 203.0.113.1 (IPv6: 2001:db8:ffff::203.0.113.1). */
    public static final int SERVER_BASE = 0xCB00_7101;
    /** The high 64 bits of the dials' IPv6 addresses. */
    public static final long DIAL_V6_HI = 0x2001_0db8_0000_0000L;
    /** The high 64 bits of the servers' IPv6 addresses. */
    public static final long SERVER_V6_HI = 0x2001_0db8_ffff_0000L;

    private final IspConfig cfg;
    private final LinkPipe[] portUp;
    private final LinkPipe[] portDown;
    private final TokenBucketShaper[] dialUp;
    private final TokenBucketShaper[] dialDown;
    private final LinkPipe[] serverUp;
    private final LinkPipe[] serverDown;
    private final PortDemux clientDemux;
    private final PortDemux serverDemux;

    /**
     * Builds the ISP side.
     *
     * @param loop the event loop
     * @param store the packet store
     * @param cfg the configuration (validated here)
     */
    public AccessNetwork(final EventLoop loop, final PacketStore store, final IspConfig cfg) {
        this.cfg = cfg.validate();
        final int ports = cfg.ports();
        final int dials = cfg.dials();
        final int servers = cfg.servers();
        clientDemux = new PortDemux(store, false);
        serverDemux = new PortDemux(store, true);
        serverUp = new LinkPipe[servers];
        serverDown = new LinkPipe[servers];
        portUp = new LinkPipe[ports];
        portDown = new LinkPipe[ports];
        dialUp = new TokenBucketShaper[dials];
        dialDown = new TokenBucketShaper[dials];
        for (int p = 0; p < ports; p++) {
            portDown[p] = new LinkPipe("port" + p + ":down", loop, store, cfg.portRateBps(), cfg.accessDelayNs(),
                cfg.portQueueBytes(), clientDemux);
        }
        for (int s = 0; s < servers; s++) {
            serverUp[s] = new LinkPipe("server" + s + ":up", loop, store, cfg.serverRateBps(),
                cfg.serverRttNs() / 2, Long.MAX_VALUE, serverDemux);
        }
        final AddressRouter toServer = new AddressRouter(store, false, SERVER_BASE, serverUp);
        final PacketSink[] upEntry = new PacketSink[dials];
        final PacketSink[] downEntry = new PacketSink[dials];
        for (int d = 0; d < dials; d++) {
            final LinkPipe port = portDown[d / cfg.dialsPerPort()];
            if (cfg.dialDownBps() > 0) {
                dialDown[d] = new TokenBucketShaper("dial" + d + ":down", loop, store, cfg.dialDownBps(),
                    cfg.dialBurstBytes(), cfg.dialQueueBytes(), cfg.dialPolicer(), cfg.dialOverheadBytes(), port);
                downEntry[d] = dialDown[d];
            } else {
                downEntry[d] = port;
            }
            if (cfg.dialUpBps() > 0) {
                dialUp[d] = new TokenBucketShaper("dial" + d + ":up", loop, store, cfg.dialUpBps(),
                    cfg.dialBurstBytes(), cfg.dialQueueBytes(), cfg.dialPolicer(), cfg.dialOverheadBytes(), toServer);
                upEntry[d] = dialUp[d];
            } else {
                upEntry[d] = toServer;
            }
        }
        final AddressRouter fromPort = new AddressRouter(store, true, DIAL_BASE, upEntry);
        for (int p = 0; p < ports; p++) {
            portUp[p] = new LinkPipe("port" + p + ":up", loop, store, cfg.portRateBps(), cfg.accessDelayNs(),
                cfg.portQueueBytes(), fromPort);
        }
        final AddressRouter toDial = new AddressRouter(store, false, DIAL_BASE, downEntry);
        for (int s = 0; s < servers; s++) {
            serverDown[s] = new LinkPipe("server" + s + ":down", loop, store, cfg.serverRateBps(),
                cfg.serverRttNs() / 2, Long.MAX_VALUE, toDial);
        }
    }

    /** @return the configuration */
    public IspConfig config() {
        return cfg;
    }

    /** @return the number of dials */
    public int dials() {
        return dialUp.length;
    }

    /** @return the number of servers */
    public int servers() {
        return serverUp.length;
    }

    /**
     * Where a client's packets on a dial enter the ISP side (the dial's port, upstream).
     *
     * @param dial the dial
     * @return the sink
     */
    public PacketSink clientOutput(final int dial) {
        return portUp[dial / cfg.dialsPerPort()];
    }

    /**
     * Where a server's packets enter the network.
     *
     * @param server the server
     * @return the sink
     */
    public PacketSink serverOutput(final int server) {
        return serverDown[server];
    }

    /** @return the demultiplexer in front of the clients (by destination port) */
    public PortDemux clientDemux() {
        return clientDemux;
    }

    /** @return the demultiplexer in front of the servers (by the client's source port) */
    public PortDemux serverDemux() {
        return serverDemux;
    }

    /**
     * @param dial the dial
     * @return the low 32 bits of its public address
     */
    public static int dialAddress(final int dial) {
        return DIAL_BASE + dial;
    }

    /**
     * @param server the server
     * @return the low 32 bits of its address
     */
    public static int serverAddress(final int server) {
        return SERVER_BASE + server;
    }

    /**
     * @param port the port
     * @return its upstream pipe
     */
    public LinkPipe portUp(final int port) {
        return portUp[port];
    }

    /**
     * @param port the port
     * @return its downstream pipe
     */
    public LinkPipe portDown(final int port) {
        return portDown[port];
    }

    /**
     * @param dial the dial
     * @return its downstream shaper, or null when unshaped
     */
    public TokenBucketShaper dialDown(final int dial) {
        return dialDown[dial];
    }

    /**
     * @param dial the dial
     * @return its upstream shaper, or null when unshaped
     */
    public TokenBucketShaper dialUp(final int dial) {
        return dialUp[dial];
    }
}
