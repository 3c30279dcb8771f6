package io.pktsim.stack.napi;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of net_rx_action with saturated instances on one CPU. */
class NetRxActionPropertiesTest {

    /**
     * Every run polls each instance at most once, stops after ceil(budget / weight) polls, and round robin keeps
     * the instances within one poll of each other; time_squeeze counts exactly the runs the budget ended.
     */
    @Property(tries = 60)
    void shouldShareTheBudgetFairly(@ForAll @IntRange(min = 1, max = 12) final int instances,
        @ForAll @IntRange(min = 1, max = 200) final int weight,
        @ForAll @IntRange(min = 1, max = 600) final int budget) {
        final NapiRig rig = new NapiRig(1, 1000, new NapiKnobs(1000).netdevBudget(budget));
        final NapiRig.Saturated[] d = new NapiRig.Saturated[instances];
        final NapiInstance[] n = new NapiInstance[instances];
        for (int i = 0; i < instances; i++) {
            d[i] = rig.new Saturated((char) ('A' + i), 1);
            n[i] = rig.softnet.addNapi("n" + i, 0, weight, d[i], null);
        }
        rig.irqAt(0, 0, (cpu, line, now) -> {
            for (final NapiInstance x : n) {
                x.napiSchedule(now);
            }
        });
        final int perRun = Math.min(instances, (budget + weight - 1) / weight);
        final long runNs = (long) perRun * weight;
        rig.loop.runUntil(7 * runNs - 1);
        final SoftnetData sd = rig.softnet.softnet(0);
        final long runs = sd.counters().get(SoftnetCounter.NET_RX_ACTIONS);
        assertThat(runs).isEqualTo(7);
        final long polls = sd.counters().get(SoftnetCounter.POLLS);
        assertThat(polls).isEqualTo(7L * perRun);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (final NapiRig.Saturated x : d) {
            min = Math.min(min, x.frames / weight);
            max = Math.max(max, x.frames / weight);
        }
        assertThat(max - min).isLessThanOrEqualTo(1);
        // the seventh run has polled but not yet checked its budget: six runs have ended
        final boolean budgetEnds = (long) perRun * weight >= budget;
        assertThat(sd.counters().get(SoftnetCounter.TIME_SQUEEZE)).isEqualTo(budgetEnds ? 6 : 0);
    }
}
