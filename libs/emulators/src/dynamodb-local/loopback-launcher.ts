/** Name of the class in {@link LOOPBACK_LAUNCHER_SOURCE}. */
export const LOOPBACK_LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

/**
 * Java source of the launcher that starts DynamoDB Local (same command-line options as
 * DynamoDBLocal.jar) listening on 127.0.0.1 only. Kept as a string, not a file beside this module,
 * so that the local cloud's esbuild bundle carries it as well as the tests' TypeScript does; the
 * compiled class is cached under node_modules/.cache/shop-dynamodb-local, keyed by this text.
 */
export const LOOPBACK_LAUNCHER_SOURCE = `import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local (same command-line options as DynamoDBLocal.jar) listening on 127.0.0.1 only.
 *
 * Why: the jar has no bind-address option and listens on every interface, which would expose an
 * unauthenticated database to the network during test runs. This sets the host of its Jetty
 * connector before it starts. Compiled and run by spawn-dynamodb-local.ts; if the private field it
 * relies on disappears in a later jar, startup fails loudly instead of silently binding wide.
 */
public final class LoopbackDynamoDbLocal {
  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    String host = System.getProperty("shop.dynamodb.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
  }
}
`;
