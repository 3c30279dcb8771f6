package io.pktsim.stack.endpoint;

/** Told when a {@link TcpEndpoint}'s connection opens and when it is done. Must not allocate. */
public interface TcpListener {

    /**
     * The three-way handshake completed at this endpoint.
     *
     * @param endpoint the endpoint
     * @param nowNs the simulated time, in nanoseconds
     */
    void onEstablished(TcpEndpoint endpoint, long nowNs);

    /**
     * Both directions are closed at this endpoint: its FIN was acknowledged and the peer's FIN received.
     *
     * @param endpoint the endpoint
     * @param nowNs the simulated time, in nanoseconds
     */
    void onClosed(TcpEndpoint endpoint, long nowNs);
}
