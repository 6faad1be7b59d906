package dev.cloudless.sync.bench.e2e;

/**
 * One cell of the result table: a tool in a scenario, measured or not.
 *
 * @param seconds time from the change landing in A to B byte-identical (restart: start to idle); median over repeats
 * @param payloadBytes bytes MiB/s is computed from, 0 where that means nothing
 * @param wireBytes bytes between A and B (both directions) per change
 * @param peakRssBytes the highest peak RSS of any single process of the tool
 * @param problem null when measured; otherwise "unavailable: ..." or "failed: ..."
 */
record Result(String scenario, String tool, double seconds, long payloadBytes, long wireBytes, long peakRssBytes, String problem) {
    static Result problem(String scenario, String tool, String problem) {
        return new Result(scenario, tool, Double.NaN, 0, 0, 0, problem);
    }

    boolean measured() {
        return problem == null;
    }

    double mibPerSecond() {
        return payloadBytes == 0 ? Double.NaN : payloadBytes / (1024.0 * 1024.0) / seconds;
    }
}
