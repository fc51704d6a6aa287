package io.brinjal.api;

import io.brinjal.config.BrinjalConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may change state or open a WebSocket: the server's own, always, and
 * those in {@code cors.allowed_origins}. A page elsewhere can send a POST without a preflight
 * (a form, or {@code text/plain}) and open a WebSocket to any server, with the user's network
 * position and cookies; the browser says where it comes from in {@code Origin}, so that header
 * decides. Requests without one (curl, programs, same-origin GETs) are not cross-site.
 */
final class Origins {
  private final Set<String> listed;
  private final boolean any;

  Origins(BrinjalConfig.Cors cors) {
    this.any = cors.allowedOrigins().contains("*");
    this.listed = cors.allowedOrigins().stream().map(Origins::normalised).collect(Collectors.toUnmodifiableSet());
  }

  /** A route handler: refuses a cross-site write or WebSocket handshake from an origin not allowed. */
  void guard(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpMethod method = request.method();
    boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    boolean webSocket = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    if ((reads && !webSocket) || permits(request)) {
      ctx.next();
      return;
    }
    Replies.detail(ctx, 403, "cross-origin " + (webSocket ? "WebSocket" : "request") + " from " + request.getHeader("Origin")
        + " refused: only this server's own origin and those in cors.allowed_origins may change tasks or open /ws");
  }

  boolean permits(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    return origin == null || isOwn(request) || any || listed.contains(normalised(origin));
  }

  /**
   * Whether {@code Origin} names this server as the request reached it: its {@code Host} (or,
   * behind a proxy, {@code X-Forwarded-Host}, which a cross-site page cannot set without a
   * preflight that would fail). "null" (sandboxed frames, files) is never our own.
   */
  static boolean isOwn(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null) return false;
    int sep = origin.indexOf("://");
    if (sep < 0) return false;
    String scheme = origin.substring(0, sep).toLowerCase(Locale.ROOT);
    String authority = withoutDefaultPort(scheme, origin.substring(sep + 3).toLowerCase(Locale.ROOT));
    for (String header : new String[] {"Host", "X-Forwarded-Host"}) {
      String host = request.getHeader(header);
      if (host == null) continue;
      host = host.split(",", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (authority.equals(withoutDefaultPort(scheme, host))) return true;
    }
    return false;
  }

  private static String normalised(String origin) {
    String lower = origin.trim().toLowerCase(Locale.ROOT);
    int sep = lower.indexOf("://");
    return sep < 0 ? lower : lower.substring(0, sep + 3) + withoutDefaultPort(lower.substring(0, sep), lower.substring(sep + 3));
  }

  private static String withoutDefaultPort(String scheme, String authority) {
    String port = scheme.equals("https") ? ":443" : scheme.equals("http") ? ":80" : null;
    return port != null && authority.endsWith(port) ? authority.substring(0, authority.length() - port.length()) : authority;
  }
}
