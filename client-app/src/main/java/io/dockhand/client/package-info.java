/**
 * The Dockhand client: one picocli command per verb ({@code post}, {@code get}, {@code containers},
 * {@code status}), run from arguments, from lines piped on stdin, or at a JLine prompt. Settings come from options,
 * then environment variables, then defaults that work inside the stack; failures end in one line on stderr and an
 * {@link io.dockhand.client.ExitCodes exit code}.
 */
package io.dockhand.client;
