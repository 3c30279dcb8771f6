package io.pktsim.cli.run;

/**
 * What identifies a run in its JSON result: the build and the exact input.
 *
 * @param version pktsim's version
 * @param commit the git commit it was built from (abbreviated), or {@code unknown}
 * @param dirty whether the build had uncommitted changes
 * @param scenarioName the scenario's name
 * @param scenarioFile the scenario file's name (without directories)
 * @param scenarioSha256 the SHA-256 of the scenario file's bytes
 * @param seed the seed
 * @param run the run number
 */
public record RunMetadata(String version, String commit, boolean dirty, String scenarioName, String scenarioFile,
    String scenarioSha256, long seed, long run) {
}
