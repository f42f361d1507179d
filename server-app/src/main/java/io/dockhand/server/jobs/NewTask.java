package io.dockhand.server.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.dockhand.server.runs.RunRepository;

/**
 * A task as submitted, validated: what {@link JobRepository#submit} stores.
 *
 * @param taskId         the submitter's id
 * @param repo           the git repository
 * @param ref            branch, tag or commit; null for HEAD
 * @param dockerfile     the Dockerfile's path in the repository
 * @param command        the command (a shell line is already {@code sh -c LINE}); empty for the image's own
 * @param env            the environment
 * @param timeoutSeconds each attempt's time limit, 0 for none
 * @param doneQueue      the facade queue its result also goes to, or null
 */
record NewTask(String taskId, String repo, String ref, String dockerfile, List<String> command,
               Map<String, String> env, long timeoutSeconds, String doneQueue) {

    /** What makes two submissions of one task id the same task: everything but where its result is echoed. */
    String specHash() {
        String canonical = RunRepository.json(List.of(repo, ref == null ? "" : ref, dockerfile, command,
                                                      new TreeMap<>(env), timeoutSeconds));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
