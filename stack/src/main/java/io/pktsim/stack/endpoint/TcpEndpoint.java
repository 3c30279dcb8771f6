package io.pktsim.stack.endpoint;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.counter.Distribution;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * One end of a TCP connection: a sending half (handshake, slow start, congestion avoidance through a
 * {@link CongestionControl}, NewReno fast retransmit and fast recovery, RFC 6298 retransmission timer, FIN)
 * and a receiving half (in-order delivery, an out-of-order queue, delayed ACKs, the advertised window). Two
 * endpoints joined by a network make a connection ({@link TcpConnection}).
 *
 * <p>Models, from Linux 6.18: {@code tcp_connect} / {@code tcp_rcv_synsent_state_process} /
 * {@code tcp_conn_request} (handshake, MSS from the MTU, window scale, timestamps), {@code tcp_ack} and
 * {@code tcp_fastretrans_alert} (duplicate ACKs, recovery), {@code tcp_retransmit_timer} (RTO, back-off,
 * go-back-N from {@code snd_una}), {@code tcp_rtt_estimator} / {@code tcp_set_rto} (SRTT, RTTVAR),
 * {@code __tcp_ack_snd_check} (ACK at once when more than one full segment is unacknowledged, on
 * out-of-order data, on a FIN; otherwise the delayed-ACK timer), {@code tcp_data_queue} (in-order delivery,
 * out-of-order queue). Files: net/ipv4/tcp_input.c, tcp_output.c, tcp_timer.c, tcp_cong.c.
 *
 * <p>Sequence numbers are kept as 64-bit offsets from the initial sequence number (the SYN is offset 0, data
 * starts at 1) and written on the wire modulo 2^32. The application reads instantly, so the advertised window
 * is the receive buffer. Simplifications (see docs/workloads.md): no SACK, no PRR (the window is set to
 * ssthresh when recovery ends), no quick-ACK mode at start, a fixed delayed-ACK timeout, no TSO (one segment
 * per packet), RTT sampled on one timed segment per window (Karn's rule) rather than on every ACK.
 *
 * <p>Nothing allocates on the per-packet path.
 */
public final class TcpEndpoint implements PacketSink {

    /** State: not opened. */
    public static final int CLOSED = 0;
    /** State: passive, waiting for a SYN. */
    public static final int LISTEN = 1;
    /** State: SYN sent. */
    public static final int SYN_SENT = 2;
    /** State: SYN received, SYN-ACK sent. */
    public static final int SYN_RECEIVED = 3;
    /** State: established (the FIN exchange happens here too). */
    public static final int ESTABLISHED = 4;
    /** State: both FINs sent, received and acknowledged. */
    public static final int DONE = 5;

    /** No limit on the bytes to send: the sender always has data (a bulk download for a duration). */
    public static final long UNLIMITED = Long.MAX_VALUE / 4;

    private static final long NS_PER_MS = 1_000_000L;
    private static final int NONE = -1;

    private final String name;
    private final TcpConfig cfg;
    private final PacketStore store;
    private final PacketBuilder builder;
    private final TcpTimers timers;
    private final EventLoop loop;
    private final int id;
    private final CongestionControl cc;
    private final TcpWindow window = new TcpWindow();
    private final Counters<TcpCounter> counters = new Counters<>(TcpCounter.class);
    private final Distribution rttUs;
    private final TcpView tcp = new TcpView();
    private final Ipv4View ipv4 = new Ipv4View();
    private final Ipv6View ipv6 = new Ipv6View();
    private final long[] ofoStart;
    private final long[] ofoEnd;

    private PacketSink out;
    private TcpListener listener;
    private int tag = -1;
    private DeliveryListener deliveryListener;

    // addresses
    private boolean v6;
    private long localMac;
    private long remoteMac;
    private long localHi;
    private long localLo;
    private long remoteHi;
    private long remoteLo;
    private int localPort;
    private int remotePort;
    private int flowLabel;

    // connection
    private int state;
    private int iss;
    private int irs;
    private int mss;
    private boolean tsOn;
    private int tsRecent;
    private int sndWscale;
    private int rcvWscale;
    private long establishedNs;

    // sending half
    private long sndUna;
    private long sndNxt;
    private long sndMax;
    private long dataEnd;
    private boolean finWanted;
    private boolean finAcked;
    private long peerWndBytes;
    private int dupAcks;
    private boolean inRecovery;
    private boolean partialAckSeen;
    private long recover;
    private boolean cwndLimited;
    private long srttNs;
    private long rttvarNs;
    private long rtoNs;
    private long minRttNs;
    private long timedSeq;
    private final long[] sentAtNs;
    private final int sentMask;
    private int tsEcr;
    private long timedAtNs;
    private long rtoDeadlineNs;
    private long rtoEvent;
    private long rtoEventTimeNs;

    // receiving half
    private long rcvNxt;
    private long lastAckedRcv;
    private long peerFinOff;
    private boolean finReceived;
    private int ofoCount;
    private long delackDeadlineNs;
    private long delackEvent;
    private long delackEventTimeNs;
    private long bytesDelivered;

    /**
     * Creates a closed endpoint.
     *
     * @param name a name for reports and errors
     * @param cfg its knobs (validated here)
     * @param store the packet store its segments are built in
     * @param timers the timers of the simulation
     */
    public TcpEndpoint(final String name, final TcpConfig cfg, final PacketStore store, final TcpTimers timers) {
        this.name = name;
        this.cfg = cfg.validate();
        this.store = store;
        this.builder = new PacketBuilder(store);
        this.timers = timers;
        this.loop = timers.loop();
        this.id = timers.add(this);
        this.cc = cfg.congestionControl() == TcpConfig.CC_CUBIC ? new Cubic() : new NewReno();
        this.rttUs = new Distribution(name + "_rtt", "us", 60_000_000L, 2);
        this.ofoStart = new long[cfg.ofoQueueIntervals()];
        this.ofoEnd = new long[cfg.ofoQueueIntervals()];
        this.sentAtNs = new long[cfg.maxInFlightSegments()];
        this.sentMask = cfg.maxInFlightSegments() - 1;
        resetState();
    }

    /** Back to CLOSED with fresh counters, for reuse of a pooled endpoint (not on the per-packet path). */
    public void reset() {
        if (state != CLOSED && state != DONE) {
            loop.cancel(rtoEvent);
            loop.cancel(delackEvent);
        }
        resetState();
        counters.reset();
        rttUs.reset();
    }

    private void resetState() {
        state = CLOSED;
        cc.reset();
        window.cwnd = cfg.initCwndSegments();
        window.cwndCnt = 0;
        window.ssthresh = TcpWindow.INFINITE_SSTHRESH;
        window.pacingRateBytesPerSec = TcpWindow.UNLIMITED_PACING_RATE;
        sndUna = 0;
        sndNxt = 0;
        sndMax = 0;
        dataEnd = 1;
        finWanted = false;
        finAcked = false;
        peerWndBytes = 65535;
        dupAcks = 0;
        inRecovery = false;
        recover = 0;
        cwndLimited = false;
        srttNs = 0;
        rttvarNs = 0;
        rtoNs = cfg.rtoInitNs();
        minRttNs = 0;
        timedSeq = NONE;
        rtoDeadlineNs = Long.MAX_VALUE;
        rtoEvent = EventLoop.NO_EVENT;
        rtoEventTimeNs = Long.MAX_VALUE;
        rcvNxt = 0;
        lastAckedRcv = 0;
        peerFinOff = NONE;
        finReceived = false;
        ofoCount = 0;
        delackDeadlineNs = Long.MAX_VALUE;
        delackEvent = EventLoop.NO_EVENT;
        delackEventTimeNs = Long.MAX_VALUE;
        bytesDelivered = 0;
        tsOn = false;
        tsRecent = 0;
        sndWscale = 0;
        rcvWscale = 0;
        mss = 536;
        establishedNs = -1;
    }

    // ------------------------------------------------------------------ setup

    /**
     * Sets the IPv4 addresses and ports.
     *
     * @param srcMac this end's MAC (48 bits)
     * @param dstMac the next hop's MAC (48 bits)
     * @param src this end's address
     * @param dst the peer's address
     * @param sport this end's port
     * @param dport the peer's port
     * @return this
     */
    public TcpEndpoint bindIpv4(final long srcMac, final long dstMac, final int src, final int dst,
        final int sport, final int dport) {
        v6 = false;
        localMac = srcMac;
        remoteMac = dstMac;
        localLo = src & 0xFFFF_FFFFL;
        remoteLo = dst & 0xFFFF_FFFFL;
        localPort = sport;
        remotePort = dport;
        flowLabel = 0;
        return this;
    }

    /**
     * Sets the IPv6 addresses, ports and flow label.
     *
     * @param srcMac this end's MAC (48 bits)
     * @param dstMac the next hop's MAC (48 bits)
     * @param srcHi this end's address, high 64 bits
     * @param srcLo this end's address, low 64 bits
     * @param dstHi the peer's address, high 64 bits
     * @param dstLo the peer's address, low 64 bits
     * @param sport this end's port
     * @param dport the peer's port
     * @param label the flow label of this socket (20 bits; see {@link FlowLabels})
     * @return this
     */
    public TcpEndpoint bindIpv6(final long srcMac, final long dstMac, final long srcHi, final long srcLo,
        final long dstHi, final long dstLo, final int sport, final int dport, final int label) {
        v6 = true;
        localMac = srcMac;
        remoteMac = dstMac;
        localHi = srcHi;
        localLo = srcLo;
        remoteHi = dstHi;
        remoteLo = dstLo;
        localPort = sport;
        remotePort = dport;
        flowLabel = label & 0xFFFFF;
        return this;
    }

    /**
     * @param sink where this end's segments go
     * @return this
     */
    public TcpEndpoint output(final PacketSink sink) {
        out = sink;
        return this;
    }

    /**
     * @param l told when the connection opens and closes (may be null)
     * @return this
     */
    public TcpEndpoint listener(final TcpListener l) {
        listener = l;
        return this;
    }

    /**
     * Active open ({@code tcp_connect}): sends the SYN.
     *
     * @param nowNs the simulated time, in nanoseconds
     * @param sendBytes payload bytes this end sends once established, then a FIN ({@link #UNLIMITED} for a
     *     sender that never runs dry; 0 for a receiver, which sends its FIN when the peer's arrives)
     * @param initialSeq the initial sequence number
     */
    public void connect(final long nowNs, final long sendBytes, final int initialSeq) {
        open(sendBytes, initialSeq);
        state = SYN_SENT;
        sndNxt = 1;
        sndMax = 1;
        timedSeq = 1;
        timedAtNs = nowNs;
        sendControl(0, TcpView.SYN, nowNs);
        armRto(nowNs);
    }

    /**
     * Passive open: waits for a SYN.
     *
     * @param sendBytes payload bytes this end sends once established ({@link #connect} explains)
     * @param initialSeq the initial sequence number
     */
    public void listen(final long sendBytes, final int initialSeq) {
        open(sendBytes, initialSeq);
        state = LISTEN;
    }

    private void open(final long sendBytes, final int initialSeq) {
        if (state != CLOSED) {
            throw new IllegalStateException("TcpEndpoint " + name + ": open in state " + state);
        }
        if (out == null) {
            throw new IllegalStateException("TcpEndpoint " + name + ": no output sink");
        }
        iss = initialSeq;
        dataEnd = 1 + Math.min(sendBytes, UNLIMITED);
        finWanted = sendBytes != UNLIMITED && sendBytes > 0;
    }

    /**
     * Stops the data after what was already sent and sends the FIN ({@code shutdown(SHUT_WR)}): ends an
     * {@link #UNLIMITED} transfer at the end of a measurement.
     *
     * @param nowNs the simulated time, in nanoseconds
     */
    public void shutdown(final long nowNs) {
        if (dataEnd > sndMax) {
            dataEnd = Math.max(sndMax, 1);
        }
        finWanted = true;
        if (state == ESTABLISHED) {
            trySend(nowNs);
        }
    }

    // ------------------------------------------------------------------ receive path

    @Override
    public void accept(final int packet, final long nowNs) {
        final MutableDirectBuffer b = store.buffer();
        final int nh = store.networkHeaderOffset(packet);
        final int l4Length;
        final int th;
        if ((b.getByte(nh) & 0xF0) == 0x60) {
            ipv6.wrap(b, nh);
            l4Length = ipv6.payloadLength();
            th = nh + Ipv6View.LENGTH;
        } else {
            ipv4.wrap(b, nh);
            final int ihl = ipv4.headerLength();
            l4Length = ipv4.totalLength() - ihl;
            th = nh + ihl;
        }
        tcp.wrap(b, th);
        final int flags = tcp.flags();
        final int seq = tcp.seq();
        final int ack = tcp.ack();
        final int win = tcp.window();
        final int payload = l4Length - tcp.headerLength();
        final int tsVal = tcpTsVal(flags);
        tsEcr = tsOn ? tcp.timestampEcho() : 0;
        if ((flags & TcpView.SYN) != 0) {
            onSyn(flags, seq, ack, win, tsVal, nowNs);
            store.free(packet);
            return;
        }
        store.free(packet);
        if (state == DONE && (flags & TcpView.FIN) != 0) {
            // TIME_WAIT / LAST_ACK retransmission: acknowledge the peer's FIN again
            sendAck(nowNs);
            return;
        }
        if (state == CLOSED || state == LISTEN || state == SYN_SENT || state == DONE) {
            return;
        }
        if (tsOn) {
            tsRecent = tsVal;
        }
        if ((flags & TcpView.ACK) != 0) {
            onAck(ack, win, payload > 0 || (flags & TcpView.FIN) != 0, nowNs);
        }
        if (state == ESTABLISHED && (payload > 0 || (flags & TcpView.FIN) != 0)) {
            onData(seq, payload, (flags & TcpView.FIN) != 0, nowNs);
        }
        if (state == ESTABLISHED) {
            trySend(nowNs);
            checkDone(nowNs);
        }
    }

    private int tcpTsVal(final int flags) {
        if (!tsOn && (flags & TcpView.SYN) == 0) {
            return 0;
        }
        return tcp.timestampValue();
    }

    private void onSyn(final int flags, final int seq, final int ack, final int win, final int tsVal,
        final long nowNs) {
        if ((flags & TcpView.ACK) == 0) {
            // tcp_conn_request: a SYN at a listening socket (or a retransmitted one)
            if (state == LISTEN) {
                irs = seq;
                rcvNxt = 1;
                lastAckedRcv = 1;
                readSynOptions(win, tsVal);
                state = SYN_RECEIVED;
                sndNxt = 1;
                sndMax = 1;
                timedSeq = 1;
                timedAtNs = nowNs;
            }
            if (state == SYN_RECEIVED) {
                sendControl(0, TcpView.SYN | TcpView.ACK, nowNs);
                armRto(nowNs);
            }
            return;
        }
        // tcp_rcv_synsent_state_process: a SYN-ACK
        if (state == SYN_SENT && ack == iss + 1) {
            irs = seq;
            rcvNxt = 1;
            lastAckedRcv = 1;
            readSynOptions(win, tsVal);
            sndUna = 1;
            sampleRtt(nowNs);
            // tcp_ack of the SYN-ACK ends in tcp_cong_control, with the SYN's sample in srtt
            updatePacingRate();
            establish(nowNs);
            sendAck(nowNs);
            trySend(nowNs);
        } else if (state == ESTABLISHED || state == DONE) {
            sendAck(nowNs);
        }
    }

    private void readSynOptions(final int win, final int tsVal) {
        final int peerMss = tcp.mssOption();
        final int ownMss = cfg.synMss(v6);
        mss = peerMss > 0 ? Math.min(peerMss, ownMss) : Math.min(536, ownMss);
        final int wsAt = tcp.findOption(TcpView.OPT_WSCALE);
        if (wsAt >= 0 && cfg.windowScale() >= 0) {
            sndWscale = Math.min(14, store.buffer().getByte(tcp.offset() + wsAt + 2) & 0xFF);
            rcvWscale = cfg.windowScale();
        } else {
            sndWscale = 0;
            rcvWscale = 0;
        }
        tsOn = cfg.timestamps() && tcp.findOption(TcpView.OPT_TIMESTAMP) >= 0;
        if (tsOn) {
            tsRecent = tsVal;
            mss -= 12;
        }
        peerWndBytes = win;
    }

    private void establish(final long nowNs) {
        state = ESTABLISHED;
        establishedNs = nowNs;
        rtoDeadlineNs = Long.MAX_VALUE;
        if (listener != null) {
            listener.onEstablished(this, nowNs);
        }
    }

    // ------------------------------------------------------------------ sending half

    /**
     * {@code tcp_ack}: processes the acknowledgment field of an incoming segment. An acceptable ACK that found
     * something outstanding ({@code prior_packets}) ends with {@code tcp_update_pacing_rate}, as
     * {@code tcp_cong_control} does (and the passive opener's {@code TCP_SYN_RECV} step), so HyStart sees on
     * each ACK the rate the previous one left.
     */
    private void onAck(final int ack, final int win, final boolean carriesData, final long nowNs) {
        final long ackOff = sndUna + (ack - (int) (iss + sndUna));
        if (ackOff > sndMax || ackOff < sndUna) {
            return;
        }
        final boolean priorPackets = sndMax > sndUna;
        processAck(ackOff, win, carriesData, nowNs);
        if (priorPackets) {
            updatePacingRate();
        }
    }

    /** {@code tcp_update_pacing_rate} with this end's MSS, segments outstanding and SRTT. */
    private void updatePacingRate() {
        window.updatePacingRate(mss, (sndMax - sndUna + mss - 1) / mss, srttNs);
    }

    /** The acceptable ACK at {@code ackOff} (snd_una to snd_max). */
    private void processAck(final long ackOff, final int win, final boolean carriesData, final long nowNs) {
        if (state == SYN_RECEIVED) {
            if (ackOff < 1) {
                return;
            }
            sndUna = 1;
            sampleRtt(nowNs);
            peerWndBytes = (long) win << sndWscale;
            establish(nowNs);
        }
        final long newWnd = (long) win << sndWscale;
        if (ackOff > sndUna) {
            final long ackedBytes = ackOff - sndUna;
            final long prevUna = sndUna;
            sndUna = ackOff;
            if (sndNxt < sndUna) {
                sndNxt = sndUna;
            }
            peerWndBytes = newWnd;
            counters.increment(TcpCounter.ACKS_RECEIVED);
            sampleAckedRtt(prevUna, ackOff, nowNs);
            final int ackedSegs = (int) ((ackedBytes + mss - 1) / mss);
            if (finWanted && ackOff == dataEnd + 1) {
                finAcked = true;
            }
            if (inRecovery) {
                if (ackOff >= recover) {
                    // full ACK: leave recovery (RFC 6582 3.2 step 3, option 1: min(ssthresh, FlightSize + SMSS),
                    // which avoids a line-rate burst into an empty pipe, as PRR's tcp_end_cwnd_reduction)
                    inRecovery = false;
                    final int flight = (int) Math.min((sndMax - sndUna + mss - 1) / mss, Integer.MAX_VALUE - 1);
                    window.cwnd = Math.max(Math.min(window.ssthresh, Math.max(flight, 1) + 1), 2);
                    window.cwndCnt = 0;
                    dupAcks = 0;
                } else {
                    // partial ACK: retransmit the next hole, deflate the window (RFC 6582 3.2 step 4). The timer
                    // restarts on every partial ACK, as Linux's tcp_rearm_rto does on every ACK of new data
                    // (RFC 6582's "Slow-but-Steady"), unless the "Impatient" variant is configured
                    retransmitHead(nowNs);
                    window.cwnd = Math.max(window.cwnd - ackedSegs + 1, 1);
                    if (!partialAckSeen || !cfg.impatientRecovery()) {
                        partialAckSeen = true;
                        rtoDeadlineNs = nowNs + rtoNs;
                        armRto(nowNs);
                    }
                    return;
                }
            } else {
                dupAcks = 0;
                if (cwndLimited || window.inSlowStart() && (prevUna < sndMax)) {
                    // RFC 3465 L = 2 SMSS in slow start: a cumulative ACK that jumps over data the receiver
                    // held out of order (no SACK here) must not open the window by hundreds of segments
                    cc.congAvoid(window, window.inSlowStart() ? Math.min(ackedSegs, 2) : ackedSegs, nowNs,
                        minRttNs);
                }
                cwndLimited = false;
            }
            if (sndUna >= sndMax) {
                rtoDeadlineNs = Long.MAX_VALUE;
            } else {
                rtoDeadlineNs = nowNs + rtoNs;
                armRto(nowNs);
            }
            return;
        }
        // ackOff == sndUna
        if (!carriesData && newWnd == peerWndBytes && sndMax > sndUna) {
            counters.increment(TcpCounter.DUP_ACKS_RECEIVED);
            dupAcks++;
            if (inRecovery) {
                window.cwnd++;
            } else if (dupAcks == 3 && sndUna > recover) {
                enterRecovery(nowNs);
            }
        }
        peerWndBytes = newWnd;
    }

    private void enterRecovery(final long nowNs) {
        counters.increment(TcpCounter.FAST_RETRANSMITS);
        inRecovery = true;
        partialAckSeen = false;
        recover = sndMax;
        window.ssthresh = cc.ssthresh(window.cwnd);
        window.cwnd = window.ssthresh + 3;
        window.cwndCnt = 0;
        timedSeq = NONE;
        retransmitHead(nowNs);
        rtoDeadlineNs = nowNs + rtoNs;
    }

    /** Sends the segment at snd_una again without moving snd_nxt. */
    private void retransmitHead(final long nowNs) {
        if (sndUna < dataEnd) {
            final int len = (int) Math.min(mss, dataEnd - sndUna);
            sendData(sndUna, len, nowNs);
        } else if (finWanted && sndUna == dataEnd) {
            sendControl(dataEnd, TcpView.FIN | TcpView.ACK, nowNs);
        }
    }

    /** Sends what the congestion window, the peer's window and the data allow ({@code tcp_write_xmit}). */
    private void trySend(final long nowNs) {
        final long cwndBytes = (long) window.cwnd * mss;
        while (true) {
            if (sndNxt < dataEnd) {
                final int len = (int) Math.min(mss, dataEnd - sndNxt);
                final long inFlight = sndNxt - sndUna;
                if (inFlight >= cwndBytes) {
                    cwndLimited = true;
                    break;
                }
                if (inFlight + len > peerWndBytes || inFlight >= (long) sentAtNs.length * mss) {
                    break;
                }
                if (!sendData(sndNxt, len, nowNs)) {
                    break;
                }
                sndNxt += len;
                if (sndNxt > sndMax) {
                    sndMax = sndNxt;
                }
                if (rtoDeadlineNs == Long.MAX_VALUE) {
                    rtoDeadlineNs = nowNs + rtoNs;
                    armRto(nowNs);
                }
            } else if (finWanted && sndNxt == dataEnd) {
                if (!sendControl(dataEnd, TcpView.FIN | TcpView.ACK, nowNs)) {
                    break;
                }
                sndNxt = dataEnd + 1;
                if (sndNxt > sndMax) {
                    sndMax = sndNxt;
                }
                if (rtoDeadlineNs == Long.MAX_VALUE) {
                    rtoDeadlineNs = nowNs + rtoNs;
                    armRto(nowNs);
                }
                break;
            } else {
                break;
            }
        }
    }

    private boolean sendData(final long off, final int len, final long nowNs) {
        if (!build(off, len, TcpView.ACK | (off + len == dataEnd ? TcpView.PSH : 0), nowNs)) {
            return false;
        }
        counters.increment(TcpCounter.DATA_SEGMENTS_SENT);
        final int slot = (int) ((off - 1) / mss) & sentMask;
        if (off < sndMax) {
            counters.increment(TcpCounter.RETRANSMITTED_SEGMENTS);
            counters.add(TcpCounter.RETRANSMITTED_BYTES, len);
            sentAtNs[slot] = -1;
        } else {
            counters.add(TcpCounter.DATA_BYTES_SENT, len);
            sentAtNs[slot] = nowNs;
        }
        return true;
    }

    private boolean sendControl(final long off, final int flags, final long nowNs) {
        return build(off, 0, flags, nowNs);
    }

    private void sendAck(final long nowNs) {
        if (build(sndNxt, 0, TcpView.ACK, nowNs)) {
            counters.increment(TcpCounter.PURE_ACKS_SENT);
        }
    }

    private boolean build(final long off, final int len, final int flags, final long nowNs) {
        final PacketBuilder pb = builder.reset().ethernet(localMac, remoteMac);
        if (v6) {
            pb.ipv6(localHi, localLo, remoteHi, remoteLo).flowLabel(flowLabel);
        } else {
            pb.ipv4((int) localLo, (int) remoteLo);
        }
        final boolean syn = (flags & TcpView.SYN) != 0;
        final boolean hasAck = (flags & TcpView.ACK) != 0;
        pb.tcp(localPort, remotePort, (int) (iss + off), hasAck ? (int) (irs + rcvNxt) : 0, flags);
        final int tsNow = (int) (nowNs / NS_PER_MS);
        if (syn) {
            pb.window(Math.min(cfg.rcvBufBytes(), 65535)).mss(cfg.synMss(v6));
            if (cfg.windowScale() >= 0) {
                pb.windowScale(cfg.windowScale());
            }
            if (cfg.timestamps()) {
                pb.timestamps(tsNow, hasAck ? tsRecent : 0);
            }
        } else {
            pb.window((int) Math.min(cfg.rcvBufBytes() >> rcvWscale, 65535));
            if (tsOn) {
                pb.timestamps(tsNow, tsRecent);
            }
        }
        pb.payload(len);
        final int h = pb.build();
        if (h == PacketStore.NO_PACKET) {
            counters.increment(TcpCounter.STORE_FULL_DROPS);
            return false;
        }
        counters.increment(TcpCounter.SEGMENTS_SENT);
        if (hasAck) {
            lastAckedRcv = rcvNxt;
            if (delackDeadlineNs != Long.MAX_VALUE) {
                delackDeadlineNs = Long.MAX_VALUE;
            }
        }
        out.accept(h, nowNs);
        return true;
    }

    // ------------------------------------------------------------------ RTT and RTO

    /** The handshake's sample: the SYN (or SYN-ACK) was timed unless it was sent again. */
    private void sampleRtt(final long nowNs) {
        if (timedSeq == NONE) {
            return;
        }
        timedSeq = NONE;
        rttSample(Math.max(1, nowNs - timedAtNs));
    }

    /**
     * {@code tcp_clean_rtx_queue} / {@code tcp_ack_update_rtt}: the RTT of the oldest newly acknowledged
     * segment sent once (its send time is kept per segment in a ring); if any of them was retransmitted,
     * Karn's rule forbids that, and the timestamp echo gives the sample instead (RFC 7323, 1 ms clock).
     */
    private void sampleAckedRtt(final long prevUna, final long ackOff, final long nowNs) {
        final long first = Math.max(prevUna, 1);
        final long last = Math.min(ackOff, dataEnd) - 1;
        if (last < first) {
            return;
        }
        final long k0 = (first - 1) / mss;
        final long k1 = (last - 1) / mss;
        final long n = Math.min(k1 - k0 + 1, sentAtNs.length);
        long oldest = -1;
        for (long k = k1 - n + 1; k <= k1; k++) {
            final long t = sentAtNs[(int) k & sentMask];
            if (t < 0) {
                oldest = -1;
                break;
            }
            if (oldest < 0) {
                oldest = t;
            }
        }
        long r = -1;
        if (oldest >= 0) {
            r = Math.max(1, nowNs - oldest);
        } else if (tsOn && tsEcr != 0) {
            r = Math.max(NS_PER_MS, (long) ((int) (nowNs / NS_PER_MS) - tsEcr) * NS_PER_MS);
        }
        if (r > 0) {
            rttSample(r);
            final int hystartExits = cc.pktsAcked(window, r, ackOff, sndMax, nowNs);
            if (hystartExits != 0) {
                countHystartExit(hystartExits);
            }
        }
    }

    /** The MIBs {@code TCPHystartTrainDetect} / {@code TCPHystartTrainCwnd} and their delay pair. */
    private void countHystartExit(final int detectors) {
        if ((detectors & CongestionControl.HYSTART_ACK_TRAIN) != 0) {
            counters.increment(TcpCounter.HYSTART_TRAIN_DETECT);
            counters.add(TcpCounter.HYSTART_TRAIN_CWND, window.cwnd);
        }
        if ((detectors & CongestionControl.HYSTART_DELAY) != 0) {
            counters.increment(TcpCounter.HYSTART_DELAY_DETECT);
            counters.add(TcpCounter.HYSTART_DELAY_CWND, window.cwnd);
        }
    }

    /** {@code tcp_rtt_estimator} and {@code tcp_set_rto} in RFC 6298 form. */
    private void rttSample(final long r) {
        counters.increment(TcpCounter.RTT_SAMPLES);
        rttUs.record(r / 1000);
        if (minRttNs == 0 || r < minRttNs) {
            minRttNs = r;
        }
        if (srttNs == 0) {
            srttNs = r;
            rttvarNs = r / 2;
        } else {
            rttvarNs = (3 * rttvarNs + Math.abs(srttNs - r)) / 4;
            srttNs = (7 * srttNs + r) / 8;
        }
        rtoNs = Math.min(cfg.rtoMaxNs(), Math.max(cfg.rtoMinNs(), srttNs + Math.max(1, 4 * rttvarNs)));
    }

    private void armRto(final long nowNs) {
        if (rtoDeadlineNs == Long.MAX_VALUE) {
            rtoDeadlineNs = nowNs + rtoNs;
        }
        if (loop.isPending(rtoEvent) && rtoEventTimeNs <= rtoDeadlineNs) {
            return;
        }
        loop.cancel(rtoEvent);
        rtoEventTimeNs = rtoDeadlineNs;
        rtoEvent = timers.schedule(rtoDeadlineNs, id, TcpTimers.RETRANSMIT);
    }

    private void armDelack(final long deadlineNs) {
        delackDeadlineNs = deadlineNs;
        if (loop.isPending(delackEvent) && delackEventTimeNs <= deadlineNs) {
            return;
        }
        loop.cancel(delackEvent);
        delackEventTimeNs = deadlineNs;
        delackEvent = timers.schedule(deadlineNs, id, TcpTimers.DELAYED_ACK);
    }

    /**
     * A timer event ({@link TcpTimers}).
     *
     * @param timer {@link TcpTimers#RETRANSMIT} or {@link TcpTimers#DELAYED_ACK}
     * @param nowNs the simulated time, in nanoseconds
     */
    void onTimer(final long timer, final long nowNs) {
        if (timer == TcpTimers.RETRANSMIT) {
            rtoEvent = EventLoop.NO_EVENT;
            rtoEventTimeNs = Long.MAX_VALUE;
            if (rtoDeadlineNs == Long.MAX_VALUE || state == DONE || state == CLOSED) {
                return;
            }
            if (rtoDeadlineNs > nowNs) {
                armRto(nowNs);
                return;
            }
            onRetransmitTimeout(nowNs);
        } else {
            delackEvent = EventLoop.NO_EVENT;
            delackEventTimeNs = Long.MAX_VALUE;
            if (delackDeadlineNs == Long.MAX_VALUE || state != ESTABLISHED) {
                return;
            }
            if (delackDeadlineNs > nowNs) {
                armDelack(delackDeadlineNs);
                return;
            }
            counters.increment(TcpCounter.DELAYED_ACKS);
            sendAck(nowNs);
        }
    }

    /** {@code tcp_retransmit_timer}: back off, collapse the window, go back to snd_una. */
    private void onRetransmitTimeout(final long nowNs) {
        counters.increment(TcpCounter.TIMEOUTS);
        rtoNs = Math.min(cfg.rtoMaxNs(), rtoNs * 2);
        rtoDeadlineNs = nowNs + rtoNs;
        timedSeq = NONE;
        if (state == SYN_SENT) {
            sendControl(0, TcpView.SYN, nowNs);
            armRto(nowNs);
            return;
        }
        if (state == SYN_RECEIVED) {
            sendControl(0, TcpView.SYN | TcpView.ACK, nowNs);
            armRto(nowNs);
            return;
        }
        if (sndUna >= sndMax) {
            rtoDeadlineNs = Long.MAX_VALUE;
            return;
        }
        if (!inRecovery) {
            // tcp_enter_loss: a timeout during fast recovery keeps the threshold already lowered
            window.ssthresh = cc.ssthresh(window.cwnd);
        }
        cc.onTimeout(sndMax, nowNs);
        window.cwnd = 1;
        window.cwndCnt = 0;
        inRecovery = false;
        dupAcks = 0;
        recover = sndMax;
        sndNxt = sndUna;
        trySend(nowNs);
        armRto(nowNs);
    }

    // ------------------------------------------------------------------ receiving half

    /** {@code tcp_data_queue} and {@code __tcp_ack_snd_check}. */
    private void onData(final int seq, final int len, final boolean fin, final long nowNs) {
        final long off = rcvNxt + (seq - (int) (irs + rcvNxt));
        if (fin) {
            peerFinOff = off + len;
        }
        if (len > 0) {
            counters.increment(TcpCounter.DATA_SEGMENTS_RECEIVED);
        }
        final long end = off + len;
        if (end > rcvNxt + cfg.rcvBufBytes()) {
            counters.increment(TcpCounter.RECEIVE_DROPS);
            sendAck(nowNs);
            return;
        }
        boolean ackNow = false;
        if (off <= rcvNxt) {
            if (end > rcvNxt || (fin && end == rcvNxt && !finReceived)) {
                final boolean hadOfo = ofoCount > 0;
                deliver(end, nowNs);
                if (hadOfo) {
                    ackNow = true;
                }
            } else {
                counters.increment(TcpCounter.DUPLICATE_SEGMENTS);
                ackNow = true;
            }
        } else {
            counters.increment(TcpCounter.OUT_OF_ORDER_SEGMENTS);
            if (len > 0 && !ofoInsert(off, end)) {
                counters.increment(TcpCounter.RECEIVE_DROPS);
            }
            ackNow = true;
        }
        if (peerFinOff != NONE && rcvNxt == peerFinOff && !finReceived) {
            finReceived = true;
            rcvNxt++;
            ackNow = true;
            finWanted = true;
        }
        if (ackNow || !cfg.delayedAck() || rcvNxt - lastAckedRcv > mss) {
            sendAck(nowNs);
        } else if (delackDeadlineNs == Long.MAX_VALUE) {
            armDelack(nowNs + cfg.delAckNs());
        }
    }

    private void deliver(final long end, final long nowNs) {
        long upTo = end;
        while (ofoCount > 0 && ofoStart[0] <= upTo) {
            if (ofoEnd[0] > upTo) {
                upTo = ofoEnd[0];
            }
            ofoRemoveFirst();
        }
        final long bytes = upTo - rcvNxt;
        rcvNxt = upTo;
        bytesDelivered += bytes;
        counters.add(TcpCounter.BYTES_DELIVERED, bytes);
        if (deliveryListener != null) {
            deliveryListener.onDelivered(this, upTo - bytes, bytes, nowNs);
        }
    }

    /**
     * @param l told of every in-order delivery (tests check exactly-once delivery with it; may be null)
     * @return this
     */
    public TcpEndpoint deliveryListener(final DeliveryListener l) {
        deliveryListener = l;
        return this;
    }

    /** Inserts [start, end) into the sorted, disjoint out-of-order ranges; false if no room. */
    private boolean ofoInsert(final long start, final long end) {
        final long[] s = ofoStart;
        final long[] e = ofoEnd;
        int i = 0;
        while (i < ofoCount && e[i] < start) {
            i++;
        }
        if (i < ofoCount && s[i] <= end) {
            // overlaps or touches range i: merge, then swallow the following ranges it reaches
            if (start < s[i]) {
                s[i] = start;
            }
            if (end > e[i]) {
                e[i] = end;
            }
            int j = i + 1;
            while (j < ofoCount && s[j] <= e[i]) {
                if (e[j] > e[i]) {
                    e[i] = e[j];
                }
                j++;
            }
            final int removed = j - i - 1;
            if (removed > 0) {
                System.arraycopy(s, j, s, i + 1, ofoCount - j);
                System.arraycopy(e, j, e, i + 1, ofoCount - j);
                ofoCount -= removed;
            }
            return true;
        }
        if (ofoCount == s.length) {
            return false;
        }
        System.arraycopy(s, i, s, i + 1, ofoCount - i);
        System.arraycopy(e, i, e, i + 1, ofoCount - i);
        s[i] = start;
        e[i] = end;
        ofoCount++;
        return true;
    }

    private void ofoRemoveFirst() {
        ofoCount--;
        System.arraycopy(ofoStart, 1, ofoStart, 0, ofoCount);
        System.arraycopy(ofoEnd, 1, ofoEnd, 0, ofoCount);
    }

    private void checkDone(final long nowNs) {
        if (finAcked && finReceived && state == ESTABLISHED) {
            state = DONE;
            rtoDeadlineNs = Long.MAX_VALUE;
            delackDeadlineNs = Long.MAX_VALUE;
            loop.cancel(rtoEvent);
            loop.cancel(delackEvent);
            rtoEvent = EventLoop.NO_EVENT;
            delackEvent = EventLoop.NO_EVENT;
            if (listener != null) {
                listener.onClosed(this, nowNs);
            }
        }
    }

    // ------------------------------------------------------------------ read-outs

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the owner's tag (e.g. a flow id; -1 unless set) */
    public int tag() {
        return tag;
    }

    /**
     * @param value a tag for the owner (e.g. the flow id a pool gave this endpoint)
     * @return this
     */
    public TcpEndpoint tag(final int value) {
        tag = value;
        return this;
    }

    /** @return the counters */
    public Counters<TcpCounter> counters() {
        return counters;
    }

    /** @return the RTT samples, in microseconds */
    public Distribution rttUs() {
        return rttUs;
    }

    /** @return {@link #CLOSED} .. {@link #DONE} */
    public int state() {
        return state;
    }

    /** @return the effective MSS (payload bytes per full segment, timestamp option deducted) */
    public int mss() {
        return mss;
    }

    /** @return the congestion window, in segments */
    public int cwnd() {
        return window.cwnd;
    }

    /** @return the slow-start threshold, in segments */
    public int ssthresh() {
        return window.ssthresh;
    }

    /** @return the congestion-control algorithm */
    public CongestionControl congestionControl() {
        return cc;
    }

    /**
     * @return the pacing rate {@code tcp_update_pacing_rate} last computed, in bytes per second
     *     ({@link TcpWindow#UNLIMITED_PACING_RATE} before the first ACK); nothing is paced by it
     */
    public long pacingRateBytesPerSec() {
        return window.pacingRateBytesPerSec;
    }

    /** @return the smoothed RTT, in ns (0 before a sample) */
    public long srttNs() {
        return srttNs;
    }

    /** @return the current RTO, in ns */
    public long rtoNs() {
        return rtoNs;
    }

    /** @return payload bytes delivered in order to the application */
    public long bytesDelivered() {
        return bytesDelivered;
    }

    /** @return payload bytes acknowledged by the peer */
    public long bytesAcked() {
        return Math.max(0, Math.min(sndUna, dataEnd) - 1);
    }

    /** @return whether this end is in NewReno fast recovery */
    public boolean inRecovery() {
        return inRecovery;
    }

    /** @return the time the handshake completed here, in ns, or -1 */
    public long establishedNs() {
        return establishedNs;
    }

    /** @return this end's local port */
    public int localPort() {
        return localPort;
    }

    /** @return the peer's port */
    public int remotePort() {
        return remotePort;
    }

    /** @return the IPv6 flow label this socket sends (0 for IPv4) */
    public int flowLabel() {
        return flowLabel;
    }

    /** Told of each in-order delivery to the application. */
    @FunctionalInterface
    public interface DeliveryListener {

        /**
         * Bytes delivered.
         *
         * @param endpoint the receiving endpoint
         * @param offset the stream offset of the first byte (1 is the first data byte)
         * @param bytes how many
         * @param nowNs the simulated time, in nanoseconds
         */
        void onDelivered(TcpEndpoint endpoint, long offset, long bytes, long nowNs);
    }
}
