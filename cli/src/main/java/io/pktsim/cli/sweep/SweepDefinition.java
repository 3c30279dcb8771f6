package io.pktsim.cli.sweep;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.ConfigNode;
import io.pktsim.cli.config.YamlConfigLoader;

/**
 * DIR/sweep.yaml: what a sweep is (the scenario's SHA-256, the swept keys and values in order, the seeds), which
 * {@code --resume} compares before it runs anything, plus the scenario's file name, the number of points and the
 * build that started the sweep (informative, not compared).
 *
 * @param scenarioFile the scenario file as given
 * @param scenarioSha256 the SHA-256 of the scenario file's bytes
 * @param sets the {@code --set} dimensions, in order
 * @param seeds the {@code --seeds} count, 0 without it
 * @param points the number of points
 * @param build the build that wrote it ({@code version (commit X)})
 */
public record SweepDefinition(String scenarioFile, String scenarioSha256, List<SweepGrid.Dimension> sets, int seeds,
    int points, String build) {

    /** @return the YAML text of sweep.yaml */
    public String render() {
        final StringBuilder sb = new StringBuilder();
        sb.append("# pktsim sweep definition (docs/sweeps.md); pktsim sweep --resume refuses to continue a different "
            + "sweep\n");
        sb.append("scenario: ");
        SweepGrid.quote(scenarioFile, sb);
        sb.append("\nscenarioSha256: ").append(scenarioSha256).append('\n');
        sb.append("set:").append(sets.isEmpty() ? " []\n" : "\n");
        for (final SweepGrid.Dimension d : sets) {
            sb.append("  - key: ");
            SweepGrid.quote(d.key(), sb);
            sb.append("\n    values: [");
            for (int i = 0; i < d.values().size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                SweepGrid.quote(d.values().get(i), sb);
            }
            sb.append("]\n");
        }
        sb.append("seeds: ").append(seeds).append('\n');
        sb.append("points: ").append(points).append('\n');
        sb.append("pktsim: ");
        SweepGrid.quote(build, sb);
        return sb.append('\n').toString();
    }

    /**
     * Reads the parts of a sweep.yaml that {@code --resume} compares.
     *
     * @param source the file, for messages
     * @param text its text
     * @return {sha256, "key=v1,v2;key2=..." , seeds, build}
     * @throws ConfigException if it is not a sweep.yaml
     */
    static String[] read(final String source, final String text) throws ConfigException {
        final ConfigNode root = new YamlConfigLoader().load(source, new StringReader(text));
        final ConfigNode sha = root.entries().get("scenarioSha256");
        final ConfigNode set = root.entries().get("set");
        final ConfigNode seeds = root.entries().get("seeds");
        final ConfigNode build = root.entries().get("pktsim");
        if (sha == null || set == null || seeds == null || set.kind() != ConfigNode.Kind.LIST) {
            throw root.error("not a pktsim sweep definition (expected scenarioSha256, set and seeds)");
        }
        final List<String> dims = new ArrayList<>();
        for (final ConfigNode d : set.items()) {
            final ConfigNode key = d.entries().get("key");
            final ConfigNode values = d.entries().get("values");
            if (key == null || values == null) {
                throw d.error("not a pktsim sweep definition (expected key and values)");
            }
            final List<String> v = new ArrayList<>();
            for (final ConfigNode x : values.items()) {
                v.add(x.text());
            }
            dims.add(key.text() + "=" + String.join(",", v));
        }
        return new String[] {sha.text(), String.join(" ", dims), seeds.text(), build == null ? "" : build.text()};
    }

    /** @return the compared parts, as {@link #read} returns them */
    String[] compared() {
        final List<String> dims = new ArrayList<>();
        for (final SweepGrid.Dimension d : sets) {
            dims.add(d.key() + "=" + String.join(",", d.values()));
        }
        return new String[] {scenarioSha256, String.join(" ", dims), Integer.toString(seeds), build};
    }
}
