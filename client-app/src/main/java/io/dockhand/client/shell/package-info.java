/**
 * Running many commands in one process: the interactive prompt (JLine, with history, completion and Ctrl-C that
 * cancels only the line or the running command) and lines piped on standard input.
 */
package io.dockhand.client.shell;
