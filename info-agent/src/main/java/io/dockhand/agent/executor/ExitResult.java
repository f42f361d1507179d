package io.dockhand.agent.executor;

/**
 * How a task ended, after Nomad's {@code ExitResult}.
 *
 * @param exitCode  its exit code (128 + the signal number when a signal ended it, as a shell reports it)
 * @param oomKilled whether the kernel killed it for using more memory than its limit
 */
public record ExitResult(int exitCode, boolean oomKilled) {

    /** Whether it exited with 0 and was not killed. */
    public boolean successful() {
        return exitCode == 0 && !oomKilled;
    }
}
