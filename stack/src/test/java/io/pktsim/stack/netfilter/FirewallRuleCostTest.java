package io.pktsim.stack.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FirewallRuleCostTest {

    @Test
    void shouldGrowFw3LinearlyInTheNumberOfDials() {
        // established: 2N TCPMSS rules (-o dev, -i dev) + forwarding_rule + the ctstate ACCEPT
        assertThat(FirewallRuleCost.fw3(1, true, false).establishedRules()).isEqualTo(4);
        assertThat(FirewallRuleCost.fw3(8, true, false).establishedRules()).isEqualTo(18);
        assertThat(FirewallRuleCost.fw3(64, true, false).establishedRules()).isEqualTo(130);
        assertThat(FirewallRuleCost.fw3(64, true, true).establishedRules()).isEqualTo(131);
        assertThat(FirewallRuleCost.fw3(64, false, false).establishedRules()).isEqualTo(2);
        // new connection out of dial k of N: the established walk + N + 3k + 11
        assertThat(FirewallRuleCost.fw3(8, true, false).newConnectionRules(1)).isEqualTo(18 + 8 + 3 + 11);
        assertThat(FirewallRuleCost.fw3(8, true, false).newConnectionRules(8)).isEqualTo(18 + 8 + 24 + 11);
        assertThat(FirewallRuleCost.fw3(64, true, true).newConnectionRules(32)).isEqualTo(131 + 64 + 96 + 11);
    }

    @Test
    void shouldHaveOneMssRulePerDialInTheFirewall3Of2019() {
        // established: N TCPMSS rules (-o dev only) + forwarding_rule + the ctstate ACCEPT
        assertThat(FirewallRuleCost.fw3Of2019(1, true, false).establishedRules()).isEqualTo(3);
        assertThat(FirewallRuleCost.fw3Of2019(8, true, false).establishedRules()).isEqualTo(10);
        assertThat(FirewallRuleCost.fw3Of2019(32, true, false).establishedRules()).isEqualTo(34);
        assertThat(FirewallRuleCost.fw3Of2019(64, true, false).establishedRules()).isEqualTo(66);
        assertThat(FirewallRuleCost.fw3Of2019(64, true, true).establishedRules()).isEqualTo(67);
        assertThat(FirewallRuleCost.fw3Of2019(64, false, false).establishedRules()).isEqualTo(2);
        assertThat(FirewallRuleCost.fw3Of2019(8, true, false).newConnectionRules(3)).isEqualTo(10 + 8 + 9 + 11);
        assertThat(FirewallRuleCost.fw3Of2019(8, true, false).flavor()).isEqualTo(FirewallRuleCost.Flavor.FW3_2019);
        // the version difference is exactly the N ingress rules, per packet and per new connection
        for (final int n : new int[] {1, 8, 64}) {
            assertThat(FirewallRuleCost.fw3(n, true, true).establishedRules()
                - FirewallRuleCost.fw3Of2019(n, true, true).establishedRules()).isEqualTo(n);
            assertThat(FirewallRuleCost.fw3(n, true, false).newConnectionRules(n)
                - FirewallRuleCost.fw3Of2019(n, true, false).newConnectionRules(n)).isEqualTo(n);
        }
    }

    @Test
    void shouldKeepFw4ConstantInTheNumberOfDials() {
        for (final int n : new int[] {1, 8, 64}) {
            assertThat(FirewallRuleCost.fw4(n, true, false).establishedRules()).isEqualTo(3);
            assertThat(FirewallRuleCost.fw4(n, true, true).establishedRules()).isEqualTo(4);
            assertThat(FirewallRuleCost.fw4(n, true, false).newConnectionRules(n)).isEqualTo(10);
            assertThat(FirewallRuleCost.fw4(n, true, true).newConnectionRules(1)).isEqualTo(11);
        }
    }

    @Test
    void shouldAddMwan3Rules() {
        // mwan3 v2.7.5 with 8 interfaces: 6 rules per packet; a new connection walks mwan3_ifaces_in
        // (8 x (1 + 2)), one user rule and 8 statistic rules: 6 + 24 + 1 + 8 = 39
        final FirewallRuleCost c = FirewallRuleCost.fw3(8, true, false).withExtraRules(6, 39 - 6);
        assertThat(c.establishedRules()).isEqualTo(24);
        assertThat(c.rulesPerPacket(false, 3)).isEqualTo(24);
        assertThat(c.rulesPerPacket(true, 3)).isEqualTo(24 + (4 + 6) + (3 + 8) + (4 + 3) + 33);
    }

    @Test
    void shouldRejectABadDialPosition() {
        assertThatThrownBy(() -> FirewallRuleCost.fw3(4, true, false).newConnectionRules(5))
            .hasMessageContaining("dial position 5 is not in 1..4");
    }
}
