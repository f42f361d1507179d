package io.dockhand.agent.engine;

import java.time.Instant;

/**
 * One resource sample of a container with the CPU counters of the sample before it, as the engine's stats stream
 * delivers them.
 *
 * @param read            when the engine took the sample
 * @param cpuTotal        container CPU time used, ns
 * @param systemCpu       host CPU time, ns (all CPUs)
 * @param preCpuTotal     {@code cpuTotal} of the previous sample, 0 when there is none
 * @param preSystemCpu    {@code systemCpu} of the previous sample, 0 when there is none
 * @param onlineCpus      CPUs the container can see
 * @param memoryBytes     memory in use without the page cache, as {@code docker stats} shows it
 * @param memoryLimitBytes memory limit (the host's memory when unlimited)
 */
public record StatsSample(Instant read, long cpuTotal, long systemCpu, long preCpuTotal, long preSystemCpu,
                          int onlineCpus, long memoryBytes, long memoryLimitBytes) {

    /**
     * CPU use between the two samples the way {@code docker stats} computes it: 100 is one full core.
     *
     * @return the percentage, or null when there is no previous sample to compare with
     */
    public Double cpuPercent() {
        if (preSystemCpu <= 0 || systemCpu <= preSystemCpu) {
            return null;
        }
        double cpuDelta = cpuTotal - preCpuTotal;
        double systemDelta = systemCpu - preSystemCpu;
        if (cpuDelta <= 0) {
            return 0.0;
        }
        return cpuDelta / systemDelta * onlineCpus * 100.0;
    }
}
