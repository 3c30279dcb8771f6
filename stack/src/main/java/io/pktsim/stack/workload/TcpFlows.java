package io.pktsim.stack.workload;

import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.stack.endpoint.FlowLabels;
import io.pktsim.stack.endpoint.TcpConfig;
import io.pktsim.stack.endpoint.TcpEndpoint;
import io.pktsim.stack.endpoint.TcpListener;
import io.pktsim.stack.endpoint.TcpTimers;
import java.util.Arrays;

/**
 * A pool of TCP connections (a client endpoint and a server endpoint each) over an {@link AccessNetwork}.
 * An application opens a flow on a dial to a server with the bytes each side sends; the pool picks a free
 * client port (ephemeral, 32768..60999 as {@code net.ipv4.ip_local_port_range}), binds both ends in the
 * network's demultiplexers, and when both ends are done folds the flow into the application's
 * {@link WorkloadStats} and recycles the pair. Endpoints are made when the pool first grows to that size,
 * never per packet. Initial sequence numbers and IPv6 flow labels come from named random streams.
 */
public final class TcpFlows implements TcpListener {

    /** Lowest ephemeral port ({@code ip_local_port_range}). */
    public static final int PORT_MIN = 32768;
    /** Highest ephemeral port. */
    public static final int PORT_MAX = 60999;
    /** The servers' port. */
    public static final int SERVER_PORT = 443;

    /** Told when a flow is done at both ends. */
    @FunctionalInterface
    public interface FlowDoneListener {

        /**
         * @param flow the flow id (about to be recycled)
         * @param nowNs the simulated time, in nanoseconds
         */
        void onFlowDone(int flow, long nowNs);
    }

    private final AccessNetwork net;
    private final PacketStore store;
    private final TcpTimers timers;
    private final TcpConfig clientCfg;
    private final TcpConfig serverCfg;
    private final FlowLabels labels;
    private final RandomStream isn;
    private final int maxFlows;

    private TcpEndpoint[] clients = new TcpEndpoint[16];
    private TcpEndpoint[] servers = new TcpEndpoint[16];
    private WorkloadStats[] statsOf = new WorkloadStats[16];
    private FlowDoneListener[] doneOf = new FlowDoneListener[16];
    private long[] openedNs = new long[16];
    private int[] doneEnds = new int[16];
    private int[] dialOf = new int[16];
    private int[] freeIds = new int[16];
    private int freeCount;
    private int created;
    private int active;
    private int nextPort = PORT_MIN;

    /**
     * @param net the ISP side
     * @param store the packet store
     * @param timers the TCP timers
     * @param clientCfg the clients' TCP knobs (MTU 1492 behind PPPoE, for instance)
     * @param serverCfg the servers' TCP knobs
     * @param seed the scenario seed
     * @param run the run number
     * @param maxFlows the most flows open at once
     */
    public TcpFlows(final AccessNetwork net, final PacketStore store, final TcpTimers timers,
        final TcpConfig clientCfg, final TcpConfig serverCfg, final long seed, final long run, final int maxFlows) {
        this.net = net;
        this.store = store;
        this.timers = timers;
        this.clientCfg = clientCfg.validate();
        this.serverCfg = serverCfg.validate();
        this.labels = new FlowLabels(RandomStream.derive(seed, run, FlowLabels.STREAM));
        this.isn = RandomStream.derive(seed, run, "tcp_isn");
        this.maxFlows = Math.min(maxFlows, PORT_MAX - PORT_MIN + 1);
    }

    /**
     * Opens a flow: the client sends the SYN now.
     *
     * @param stats the application's statistics
     * @param done told when the flow is done (may be null)
     * @param dial the dial the client's packets use
     * @param server the server
     * @param downBytes bytes the server sends ({@link TcpEndpoint#UNLIMITED} until {@link #shutdown})
     * @param upBytes bytes the client sends
     * @param nowNs the simulated time, in nanoseconds
     * @return the flow id, or -1 if no flow or port was free ({@link WorkloadCounter#FLOWS_REJECTED})
     */
    public int open(final WorkloadStats stats, final FlowDoneListener done, final int dial, final int server,
        final long downBytes, final long upBytes, final long nowNs) {
        final int port = freePort();
        if (port < 0 || (freeCount == 0 && created == maxFlows)) {
            stats.counters().increment(WorkloadCounter.FLOWS_REJECTED);
            return -1;
        }
        final int id = freeCount > 0 ? freeIds[--freeCount] : create();
        final TcpEndpoint c = clients[id];
        final TcpEndpoint s = servers[id];
        final boolean v6 = net.config().ipv6();
        final int dialAddr = AccessNetwork.dialAddress(dial);
        final int srvAddr = AccessNetwork.serverAddress(server);
        if (v6) {
            c.bindIpv6(0x0200_0000_0001L, 0x0200_0000_00feL, AccessNetwork.DIAL_V6_HI, dialAddr & 0xFFFF_FFFFL,
                AccessNetwork.SERVER_V6_HI, srvAddr & 0xFFFF_FFFFL, port, SERVER_PORT, labels.next());
            s.bindIpv6(0x0200_0000_00fdL, 0x0200_0000_00fcL, AccessNetwork.SERVER_V6_HI, srvAddr & 0xFFFF_FFFFL,
                AccessNetwork.DIAL_V6_HI, dialAddr & 0xFFFF_FFFFL, SERVER_PORT, port, labels.next());
        } else {
            c.bindIpv4(0x0200_0000_0001L, 0x0200_0000_00feL, dialAddr, srvAddr, port, SERVER_PORT);
            s.bindIpv4(0x0200_0000_00fdL, 0x0200_0000_00fcL, srvAddr, dialAddr, SERVER_PORT, port);
        }
        c.output(net.clientOutput(dial));
        s.output(net.serverOutput(server));
        net.clientDemux().bind(port, c);
        net.serverDemux().bind(port, s);
        statsOf[id] = stats;
        doneOf[id] = done;
        openedNs[id] = nowNs;
        doneEnds[id] = 0;
        dialOf[id] = dial;
        active++;
        stats.counters().increment(WorkloadCounter.FLOWS_OPENED);
        s.listen(downBytes, isn.nextInt());
        c.connect(nowNs, upBytes, isn.nextInt());
        return id;
    }

    private int create() {
        final int id = created++;
        if (id == clients.length) {
            final int n = id * 2;
            clients = Arrays.copyOf(clients, n);
            servers = Arrays.copyOf(servers, n);
            statsOf = Arrays.copyOf(statsOf, n);
            doneOf = Arrays.copyOf(doneOf, n);
            openedNs = Arrays.copyOf(openedNs, n);
            doneEnds = Arrays.copyOf(doneEnds, n);
            dialOf = Arrays.copyOf(dialOf, n);
            freeIds = Arrays.copyOf(freeIds, n);
        }
        clients[id] = new TcpEndpoint("flow" + id + ":client", clientCfg, store, timers).tag(id).listener(this);
        servers[id] = new TcpEndpoint("flow" + id + ":server", serverCfg, store, timers).tag(id).listener(this);
        return id;
    }

    private int freePort() {
        final PortDemux demux = net.clientDemux();
        for (int i = 0; i <= PORT_MAX - PORT_MIN; i++) {
            final int p = nextPort;
            nextPort = p == PORT_MAX ? PORT_MIN : p + 1;
            if (!demux.isBound(p)) {
                return p;
            }
        }
        return -1;
    }

    /**
     * Ends an unlimited download: the server stops after what it has sent and closes.
     *
     * @param flow the flow id
     * @param nowNs the simulated time, in nanoseconds
     */
    public void shutdown(final int flow, final long nowNs) {
        servers[flow].shutdown(nowNs);
        clients[flow].shutdown(nowNs);
    }

    @Override
    public void onEstablished(final TcpEndpoint endpoint, final long nowNs) {
        // nothing to do: data flows as soon as the handshake completes
    }

    @Override
    public void onClosed(final TcpEndpoint endpoint, final long nowNs) {
        final int id = endpoint.tag();
        if (++doneEnds[id] < 2) {
            return;
        }
        final TcpEndpoint c = clients[id];
        final TcpEndpoint s = servers[id];
        statsOf[id].recordFlow(c, s, openedNs[id], nowNs);
        net.clientDemux().bind(c.localPort(), null);
        net.serverDemux().bind(c.localPort(), null);
        final FlowDoneListener done = doneOf[id];
        c.reset();
        s.reset();
        statsOf[id] = null;
        doneOf[id] = null;
        freeIds[freeCount++] = id;
        active--;
        if (done != null) {
            done.onFlowDone(id, nowNs);
        }
    }

    /**
     * @param flow the flow id
     * @return its client end
     */
    public TcpEndpoint client(final int flow) {
        return clients[flow];
    }

    /**
     * @param flow the flow id
     * @return its server end
     */
    public TcpEndpoint server(final int flow) {
        return servers[flow];
    }

    /**
     * @param flow the flow id
     * @return the dial it was opened on
     */
    public int dial(final int flow) {
        return dialOf[flow];
    }

    /** @return flows open now */
    public int active() {
        return active;
    }

    /** @return endpoint pairs made so far (the pool's size) */
    public int created() {
        return created;
    }

    /**
     * Download bytes delivered so far by the open flows of an application (completed ones are in its stats).
     *
     * @param stats the application's statistics
     * @return bytes
     */
    public long openBytesDown(final WorkloadStats stats) {
        long sum = 0;
        for (int i = 0; i < created; i++) {
            if (statsOf[i] == stats) {
                sum += clients[i].bytesDelivered();
            }
        }
        return sum;
    }

    /**
     * Download bytes delivered in total for an application: completed flows plus open ones.
     *
     * @param stats the application's statistics
     * @return bytes
     */
    public long bytesDown(final WorkloadStats stats) {
        return stats.counters().get(WorkloadCounter.BYTES_DOWN) + openBytesDown(stats);
    }
}
