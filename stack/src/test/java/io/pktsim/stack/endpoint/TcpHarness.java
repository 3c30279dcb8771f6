package io.pktsim.stack.endpoint;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.workload.LinkPipe;

/**
 * One TCP connection for tests: a server (data sender) and a client (data receiver, the active opener)
 * joined by a forward pipe (server to client, the bottleneck) and a reverse pipe (client to server). A filter
 * in front of each pipe may drop chosen packets.
 */
final class TcpHarness {

    static final long CLIENT_MAC = 0x0200_0000_0001L;
    static final long SERVER_MAC = 0x0200_0000_0002L;
    static final int CLIENT_IP = 0x0A00_0001;
    static final int SERVER_IP = 0xCB00_7101;

    final EventLoop loop = new EventLoop(4096);
    final PacketStore store = new PacketStore(16384, 192, 32);
    final TcpTimers timers = new TcpTimers(loop);
    final TcpEndpoint client;
    final TcpEndpoint server;
    final LinkPipe forward;
    final LinkPipe reverse;
    PacketSink forwardFilter;
    PacketSink reverseFilter;

    TcpHarness(final TcpConfig cfg, final long rateBps, final long rttNs, final long queueBytes) {
        client = new TcpEndpoint("client", cfg, store, timers);
        server = new TcpEndpoint("server", cfg, store, timers);
        forward = new LinkPipe("fwd", loop, store, rateBps, rttNs / 2, queueBytes, client);
        reverse = new LinkPipe("rev", loop, store, rateBps, rttNs / 2, Long.MAX_VALUE, server);
        client.bindIpv4(CLIENT_MAC, SERVER_MAC, CLIENT_IP, SERVER_IP, 40000, 443)
            .output((h, t) -> (reverseFilter == null ? reverse : reverseFilter).accept(h, t));
        server.bindIpv4(SERVER_MAC, CLIENT_MAC, SERVER_IP, CLIENT_IP, 443, 40000)
            .output((h, t) -> (forwardFilter == null ? forward : forwardFilter).accept(h, t));
    }

    /** Opens the connection: the server will send {@code bytes} (or {@link TcpEndpoint#UNLIMITED}). */
    TcpHarness start(final long bytes) {
        server.listen(bytes, 0x1000_0000);
        client.connect(loop.nowNs(), 0, 0x2000_0000);
        return this;
    }

    void runUntil(final long ns) {
        loop.runUntil(ns);
    }
}
