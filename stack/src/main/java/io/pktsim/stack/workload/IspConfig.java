package io.pktsim.stack.workload;

/**
 * The ISP side of a scenario: the access ports (line rate each), the PPPoE dials on them and the rate limit
 * of each dial at the access server, the servers and the round-trip time to them. Mutable while a model is
 * built; checked by {@link #validate()}.
 */
public final class IspConfig {

    private int ports = 1;
    private long portRateBps = 1_000_000_000L;
    private long portQueueBytes = 256 * 1024;
    private long accessDelayNs = 100_000L;
    private int dialsPerPort = 1;
    private long dialDownBps;
    private long dialUpBps;
    private long dialBurstBytes = 64 * 1024;
    private long dialQueueBytes = 256 * 1024;
    private boolean dialPolicer;
    private int dialOverheadBytes;
    private int servers = 1;
    private long serverRttNs = 20_000_000L;
    private long serverRateBps = 10_000_000_000L;
    private boolean ipv6;

    /** @return the number of access ports (e.g. 4 dorm ports, or 1 gigabit port) */
    public int ports() {
        return ports;
    }

    /**
     * @param n the number of access ports
     * @return this
     */
    public IspConfig ports(final int n) {
        ports = n;
        return this;
    }

    /** @return the line rate of each port, in bits/s */
    public long portRateBps() {
        return portRateBps;
    }

    /**
     * @param bps the line rate of each port, in bits/s
     * @return this
     */
    public IspConfig portRateBps(final long bps) {
        portRateBps = bps;
        return this;
    }

    /** @return the drop-tail queue in front of each port direction, in wire bytes */
    public long portQueueBytes() {
        return portQueueBytes;
    }

    /**
     * @param bytes the queue in front of each port direction, in wire bytes
     * @return this
     */
    public IspConfig portQueueBytes(final long bytes) {
        portQueueBytes = bytes;
        return this;
    }

    /** @return the one-way propagation delay of an access line, in ns */
    public long accessDelayNs() {
        return accessDelayNs;
    }

    /**
     * @param ns the one-way propagation delay of an access line, in nanoseconds
     * @return this
     */
    public IspConfig accessDelayNs(final long ns) {
        accessDelayNs = ns;
        return this;
    }

    /** @return PPPoE dials per port */
    public int dialsPerPort() {
        return dialsPerPort;
    }

    /**
     * @param n PPPoE dials per port
     * @return this
     */
    public IspConfig dialsPerPort(final int n) {
        dialsPerPort = n;
        return this;
    }

    /** @return the downstream rate limit of each dial at the BRAS, in bits/s (0: none) */
    public long dialDownBps() {
        return dialDownBps;
    }

    /**
     * @param bps the downstream rate limit per dial, in bits/s; 0 for none
     * @return this
     */
    public IspConfig dialDownBps(final long bps) {
        dialDownBps = bps;
        return this;
    }

    /** @return the upstream rate limit of each dial, in bits/s (0: none) */
    public long dialUpBps() {
        return dialUpBps;
    }

    /**
     * @param bps the upstream rate limit per dial, in bits/s; 0 for none
     * @return this
     */
    public IspConfig dialUpBps(final long bps) {
        dialUpBps = bps;
        return this;
    }

    /** @return the token bucket of each dial's limit, in bytes */
    public long dialBurstBytes() {
        return dialBurstBytes;
    }

    /**
     * @param bytes the token bucket of each dial's limit, in bytes
     * @return this
     */
    public IspConfig dialBurstBytes(final long bytes) {
        dialBurstBytes = bytes;
        return this;
    }

    /** @return the shaping queue of each dial, in bytes */
    public long dialQueueBytes() {
        return dialQueueBytes;
    }

    /**
     * @param bytes the shaping queue of each dial, in bytes
     * @return this
     */
    public IspConfig dialQueueBytes(final long bytes) {
        dialQueueBytes = bytes;
        return this;
    }

    /** @return true if the BRAS polices (drops) instead of shaping (queueing) */
    public boolean dialPolicer() {
        return dialPolicer;
    }

    /**
     * @param on police instead of shape
     * @return this
     */
    public IspConfig dialPolicer(final boolean on) {
        dialPolicer = on;
        return this;
    }

    /** @return bytes the BRAS adds to each frame's length when charging tokens */
    public int dialOverheadBytes() {
        return dialOverheadBytes;
    }

    /**
     * @param bytes bytes added per frame when charging tokens (e.g. 8 for the PPPoE header)
     * @return this
     */
    public IspConfig dialOverheadBytes(final int bytes) {
        dialOverheadBytes = bytes;
        return this;
    }

    /** @return the number of servers */
    public int servers() {
        return servers;
    }

    /**
     * @param n the number of servers (peers, for P2P)
     * @return this
     */
    public IspConfig servers(final int n) {
        servers = n;
        return this;
    }

    /** @return the round-trip propagation delay between the BRAS and a server, in ns */
    public long serverRttNs() {
        return serverRttNs;
    }

    /**
     * @param ns the round-trip propagation delay to the servers, in nanoseconds
     * @return this
     */
    public IspConfig serverRttNs(final long ns) {
        serverRttNs = ns;
        return this;
    }

    /** @return the rate of each server's link, in bits/s */
    public long serverRateBps() {
        return serverRateBps;
    }

    /**
     * @param bps the rate of each server's link, in bits/s
     * @return this
     */
    public IspConfig serverRateBps(final long bps) {
        serverRateBps = bps;
        return this;
    }

    /** @return whether flows use IPv6 */
    public boolean ipv6() {
        return ipv6;
    }

    /**
     * @param on IPv6 flows (else IPv4)
     * @return this
     */
    public IspConfig ipv6(final boolean on) {
        ipv6 = on;
        return this;
    }

    /** @return ports x dials per port */
    public int dials() {
        return ports * dialsPerPort;
    }

    /**
     * Checks the values.
     *
     * @return this
     * @throws IllegalArgumentException naming the key, its value and what is allowed
     */
    public IspConfig validate() {
        check(ports >= 1 && ports <= 64, "ports", ports, "1..64");
        check(portRateBps > 0, "port_rate_bps", portRateBps, "> 0");
        check(dialsPerPort >= 1 && dialsPerPort <= 256, "dials_per_port", dialsPerPort, "1..256");
        check(dialDownBps >= 0 && dialUpBps >= 0, "dial_down_bps/dial_up_bps", Math.min(dialDownBps, dialUpBps),
            ">= 0 (0 = unshaped)");
        check(dialBurstBytes >= 1538, "dial_burst_bytes", dialBurstBytes, ">= 1538");
        check(servers >= 1 && servers <= 65536, "servers", servers, "1..65536");
        check(serverRttNs >= 0 && accessDelayNs >= 0, "server_rtt/access_delay", Math.min(serverRttNs, accessDelayNs),
            ">= 0");
        check(portQueueBytes >= 1538, "port_queue_bytes", portQueueBytes, ">= 1538");
        return this;
    }

    private static void check(final boolean ok, final String key, final long value, final String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("isp: " + key + " = " + value + " is not allowed; expected " + allowed);
        }
    }
}
