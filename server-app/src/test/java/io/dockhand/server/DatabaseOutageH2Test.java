package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.dockhand.server.databases.Directories;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The outage of an H2 TCP server: stopped and started again on the same port and files. */
class DatabaseOutageH2Test extends AbstractDatabaseOutageTest {
    private Path dir;
    private Server database;
    private int databasePort;

    @BeforeEach
    void startServer() throws Exception {
        dir = Files.createTempDirectory("dockhand-outage");
        database = Server.createTcpServer("-tcpPort", "0", "-baseDir", dir.toString(), "-ifNotExists").start();
        databasePort = database.getPort();
    }

    @AfterEach
    void removeServer() throws Exception {
        database.stop();
        Directories.deleteTree(dir);
    }

    @Override
    Map<String, String> storeConfig() {
        return Map.of("url", "jdbc:h2:tcp://127.0.0.1:" + databasePort + "/outage");
    }

    @Override
    void stopDatabase() {
        database.stop();
    }

    @Override
    void startDatabase() throws Exception {
        database = Server.createTcpServer("-tcpPort", Integer.toString(databasePort), "-baseDir", dir.toString(),
                                          "-ifNotExists").start();
    }
}
