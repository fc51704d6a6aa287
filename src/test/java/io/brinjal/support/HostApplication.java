package io.brinjal.support;

import io.brinjal.Brinjal;
import io.brinjal.config.BrinjalConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

/**
 * An application of its own, on a random loopback port, which mounts Brinjal at {@code /jobs}
 * after routes of its own (which therefore come first, as a host's would).
 */
public final class HostApplication extends VerticleBase {
  private final Consumer<Router> ownRoutes;
  private HttpServer server;
  private Brinjal brinjal;

  private HostApplication(Consumer<Router> ownRoutes) {
    this.ownRoutes = ownRoutes;
  }

  public static HostApplication deploy(Vertx vertx, Consumer<Router> ownRoutes) {
    HostApplication host = new HostApplication(ownRoutes);
    HttpProbe.await(vertx.deployVerticle(host));
    return host;
  }

  @Override
  public Future<?> start() {
    brinjal = Brinjal.create(vertx, BrinjalConfig.defaults().withStore(BrinjalConfig.Store.memory()), TestServer.registry());
    Router app = Router.router(vertx);
    ownRoutes.accept(app);
    app.route("/jobs/*").subRouter(brinjal.router());
    return brinjal.started()
        .compose(v -> vertx.createHttpServer().requestHandler(app).listen(0, "127.0.0.1"))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return brinjal.close();
  }

  public int port() {
    return server.actualPort();
  }

  public Brinjal brinjal() {
    return brinjal;
  }
}
