package io.dockhand.client;

import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code jobs}: the verbs of job projects, whose tasks (a git repository, a Dockerfile, a command) every node's agent
 * works through and whose results are collected on the project's Done.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Job projects: submit tasks (a git repository with a Dockerfile, and a command run in its "
                 + "image), follow their progress, collect their results, retry or cancel them. Every node's agent "
                 + "is a worker; a task ends with exactly one result."},
         subcommands = {JobSubmitCommand.class, JobListCommand.class, JobStatusCommand.class,
                 JobTasksCommand.class, JobTaskCommand.class, JobResultsCommand.class, JobRetryCommand.class,
                 JobCancelCommand.class, JobSettingsCommand.class},
         footer = {"", "submit, retry, cancel and settings need the cluster token, as run does."})
final class JobsCommand implements Callable<Integer> {
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_TASK_ID = 256;

    @ParentCommand
    ClientCommand client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say what to do: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** {@code name} when it is a project's name, else a usage error. */
    static String project(CommandLine cmd, String name) {
        if (!PROJECT.matcher(name).matches()) {
            throw new ParameterException(cmd, "'" + name + "' is not a project name: 1 to 128 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** {@code id} when it is a task's id, else a usage error. */
    static String taskId(CommandLine cmd, String id) {
        if (id.isEmpty() || id.length() > MAX_TASK_ID || id.indexOf('/') >= 0
                || id.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ParameterException(cmd, "'" + id + "' is not a task id: 1 to " + MAX_TASK_ID
                    + " printable characters without '/'");
        }
        return id;
    }
}
