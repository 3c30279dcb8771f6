package io.pktsim.cli.napi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.pktsim.cli.profile.ProfileLoader;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.stack.driver.PacketPath;
import io.pktsim.stack.profile.DeviceProfile;

/** Interrupt mitigation and saturation through NIC, IRQ, NAPI, GRO, the stack and the CPU model. */
class NapiEndToEndTest {

    private static DeviceProfile profile(final String name) throws Exception {
        return new ProfileLoader().load(name);
    }

    private static NapiScenario.Options smallPackets(final long pps) {
        final NapiScenario.Options o = new NapiScenario.Options();
        o.packetBytes = 46;
        o.rateBps = pps * 8 * 46;
        o.rxUsecs = 0;
        o.rxFrames = 1;
        o.threaded = false;
        o.durationNs = 50_000_000L;
        return o;
    }

    @Test
    void shouldTake6667InterruptsPerSecondWithoutNapiAt80MbpsOf1500BytePackets() throws Exception {
        final NapiScenario.Options o = new NapiScenario.Options();
        o.napi = false;
        o.linkBps = 100_000_000L;
        o.rateBps = 80_000_000L;
        o.packetBytes = 1500;
        o.rxUsecs = 0;
        o.rxFrames = 1;
        o.sendForNs = 1_000_000_000L;
        o.durationNs = 1_010_000_000L;
        final NapiScenario.Result r = NapiScenario.run(o, profile("mt7621"), TraceBus.disabled());
        // T10: 80e6 / (8 x 1500) = 6,666.7 per second
        assertThat(r.sent).isEqualTo(6667);
        assertThat(r.irqs).isEqualTo(6667);
        assertThat(r.forwarded).isEqualTo(6667);
    }

    @Test
    void shouldTakeFewerInterruptsPerPacketAsTheLoadRises() throws Exception {
        final DeviceProfile p = profile("mt7621");
        final long[] loads = {10_000, 70_000, 100_000, 160_000, 400_000};
        double previous = Double.MAX_VALUE;
        final double[] ratio = new double[loads.length];
        for (int i = 0; i < loads.length; i++) {
            final NapiScenario.Result r = NapiScenario.run(smallPackets(loads[i]), p, TraceBus.disabled());
            ratio[i] = (double) r.irqs / r.received;
            assertThat(ratio[i]).as("interrupts per packet at %d pps", loads[i]).isLessThan(previous);
            previous = ratio[i];
        }
        assertThat(ratio[0]).isGreaterThan(0.99);
        assertThat(ratio[loads.length - 1]).isLessThan(0.01);
    }

    @Test
    void shouldPollWholeWeightsAtSaturation() throws Exception {
        final NapiScenario.Result r = NapiScenario.run(smallPackets(400_000), profile("mt7621"), TraceBus.disabled());
        assertThat((double) r.fullWeightPolls / r.polls).isGreaterThan(0.95);
        assertThat(r.ringDrops).isPositive();
        assertThat(r.cpu0).isGreaterThan(0.99);
        // one VPE of four saturated: top shows about 25 %
        assertThat(r.cpuAverage).isBetween(0.24, 0.26);
        // one instance is polled once per run (64 < 300): a single queue never squeezes
        assertThat(r.timeSqueeze).isZero();
        assertThat(r.ksoftirqdWakeups).isPositive();
        // after the ten restarts ksoftirqd/0 runs the polls, sharing the CPU with the other tasks: a large part of
        // cpu0, which top lists as that thread; at low load every softirq runs at irq_exit
        assertThat(r.ksoftirqd0).isBetween(0.3, r.cpu0);
        final NapiScenario.Result light = NapiScenario.run(smallPackets(10_000), profile("mt7621"),
            TraceBus.disabled());
        assertThat(light.cpu0).isPositive();
        assertThat(light.ksoftirqd0).isZero();
    }

    @Test
    void shouldGrowTimeSqueezeAtSaturationWithFiveQueuesOnOneCpu() throws Exception {
        final DeviceProfile p = profile("mt7621");
        final NapiScenario.Options half = smallPackets(400_000);
        half.queues = 5;
        half.durationNs = 25_000_000L;
        final NapiScenario.Options full = smallPackets(400_000);
        full.queues = 5;
        final NapiScenario.Result a = NapiScenario.run(half, p, TraceBus.disabled());
        final NapiScenario.Result b = NapiScenario.run(full, p, TraceBus.disabled());
        assertThat(a.timeSqueeze).isPositive();
        assertThat(b.timeSqueeze).isGreaterThan(a.timeSqueeze);
        // once all five queues are saturated every run polls five instances of 64 and uses up budget 300: every
        // run of the second 25 ms (the first 25 ms are the same simulation as the shorter run) is squeezed
        assertThat(b.timeSqueeze - a.timeSqueeze).isEqualTo(b.netRxActions - a.netRxActions).isPositive();
    }

    @Test
    void shouldFreeTransmittedDescriptorsInASeparateTxNapiInstance() throws Exception {
        final NapiScenario.Options o = smallPackets(40_000);
        o.durationNs = 20_000_000L;
        final NapiScenario.Result r = NapiScenario.run(o, profile("mt7621"), TraceBus.disabled());
        // mt7621 has rx_napi and tx_napi: every forwarded frame's descriptor is freed by the TX poll
        assertThat(r.forwarded).isPositive();
        assertThat(r.txPolls).isPositive();
        assertThat(r.txIrqs).isPositive().isLessThanOrEqualTo(r.txPolls);
        assertThat(r.txCompleted).isBetween(r.forwarded - 2, r.forwarded);
    }

    @Test
    void shouldPollInKthreadsWithThreadedNapiAsOpenWrtDoesForMtkEth() throws Exception {
        final NapiScenario.Options o = smallPackets(400_000);
        o.threaded = true;
        final NapiScenario.Result r = NapiScenario.run(o, profile("mt7621"), TraceBus.disabled());
        // no net_rx_action at all: the RX and TX polls run in their kthreads (tasks), whole weights at saturation
        assertThat(r.netRxActions).isZero();
        assertThat(r.ksoftirqdWakeups).isZero();
        assertThat((double) r.fullWeightPolls / r.polls).isGreaterThan(0.95);
        assertThat(r.txPolls).isPositive();
        assertThat(r.cpu0).isGreaterThan(0.99);
        assertThat(r.forwarded).isPositive();
    }

    @Test
    void shouldForwardAbout174MppsPerX86CoreAtSaturation() throws Exception {
        final NapiScenario.Options o = smallPackets(3_000_000);
        o.linkBps = 10_000_000_000L;
        o.rxUsecs = -1;
        o.rxFrames = -1;
        o.durationNs = 10_000_000L;
        final NapiScenario.Result r = NapiScenario.run(o, profile("x86"), TraceBus.disabled());
        assertThat(r.stackPps() / 1e6).isBetween(1.74 * 0.9, 1.74 * 1.1);
    }

    @Test
    void shouldRawDropAbout505MppsPerX86CoreAtSaturation() throws Exception {
        final NapiScenario.Options o = smallPackets(8_000_000);
        o.linkBps = 10_000_000_000L;
        o.rxUsecs = -1;
        o.rxFrames = -1;
        o.durationNs = 10_000_000L;
        o.mode = PacketPath.Mode.RAW_DROP;
        final NapiScenario.Result r = NapiScenario.run(o, profile("x86"), TraceBus.disabled());
        assertThat(r.stackPps() / 1e6).isBetween(5.05 * 0.9, 5.05 * 1.1);
    }
}
